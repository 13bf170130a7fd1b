"""What a visitor sees on the lectures list and a lecture page (the pages' context).

Wired to the page models in LecturesConfig.ready(): the models stay below the forms and services
this context needs, and import none of them.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from lectures import services
from lectures.forms import LectureFilterForm, RegistrationForm
from lectures.models import LectureCountryTag, LectureIndexPage, LecturePage, LectureSpeaker, LectureThemeTag
from lectures.services import Outcome
from lectures.transcripts import format_offset

PAST_PER_PAGE = 10
SPEAKERS = Prefetch("lecture_speakers", queryset=LectureSpeaker.objects.select_related("speaker"))


def public_lectures():
    """Live lectures that anyone may see (no drafts, no pages behind a login or password)."""
    return LecturePage.objects.live().public()


# ---- the list -------------------------------------------------------------------------------


def lecture_index_context(index_page: LectureIndexPage, request: HttpRequest) -> dict:
    """Upcoming lectures first, then past ones (paginated), narrowed by the filters that parse."""
    now = timezone.now()
    lectures = public_lectures().child_of(index_page)
    years = sorted({moment.year for moment in lectures.dates("start", "year")}, reverse=True)
    form = LectureFilterForm(request.GET or None, years=years)
    filters = form.valid_filters() if form.is_bound else {}
    filter_errors = [error for errors in form.errors.values() for error in errors] if form.is_bound else []
    if "theme" in filters:
        lectures = lectures.filter(pk__in=LectureThemeTag.objects.filter(theme=filters["theme"]).values("page_id"))
    if "country" in filters:
        lectures = lectures.filter(
            pk__in=LectureCountryTag.objects.filter(country=filters["country"]).values("page_id")
        )
    if "series" in filters:
        lectures = lectures.filter(series=filters["series"])
    if "year" in filters:
        lectures = lectures.filter(start__year=filters["year"])
    lectures = lectures.select_related("series").prefetch_related(SPEAKERS)
    upcoming = list(lectures.filter(end__gte=now).order_by("start"))
    past_page = Paginator(lectures.filter(end__lt=now).order_by("-start"), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "filter_errors": filter_errors,
        "active_filters": filters,
        "upcoming_lectures": upcoming,
        "past_lectures": past_page,
        "filter_query": query.urlencode(),
    }


# ---- the lecture page ------------------------------------------------------------------------


def lecture_page_context(page: LecturePage, request: HttpRequest, *, form: RegistrationForm | None = None) -> dict:
    """The lecture, its registration state, the recording and a transcript whose timestamps seek."""
    now = timezone.now()
    segments = page.transcript_segments()
    video = page.external_video
    media_url = page.recording_file.url if page.recording_file else ""

    def seek_link(seconds: int) -> str:
        if media_url:
            return f"{media_url}#t={seconds}"
        if video:
            return video.link_at(seconds)
        return f"#t={seconds}"

    problem = services.registration_problem(page, now=now)
    left = services.seats_left(page)
    return {
        "registration_form": form or RegistrationForm(),
        "just_registered": form is None and just_registered(request),
        "registration_problem": problem.message if problem else "",
        "seats_left": left,
        "is_upcoming": not page.has_ended(now),
        "speakers": [link.speaker for link in page.lecture_speakers.select_related("speaker", "speaker__photo")],
        "recording_media": page.recording_media,
        "media_url": media_url,
        "external_video": video,
        "transcript": [
            {"seconds": seconds, "label": format_offset(seconds), "text": text, "href": seek_link(seconds)}
            for seconds, text in segments
        ],
        "countries": [tag.country for tag in page.country_tags.select_related("country")],
        "themes": [tag.theme for tag in page.theme_tags.select_related("theme")],
        "gcm_objectives": [tag.objective for tag in page.gcm_tags.select_related("objective")],
        "abstract_paragraphs": [part.strip() for part in page.abstract.split("\n\n") if part.strip()],
        "related_publications": _related_publications(page),
    }


def just_registered(request: HttpRequest) -> str:
    """The outcome of a registration this visitor has just made (the redirect after it), else "".

    The form is not offered again under the outcome; a reload (the message has been shown) or a
    shared link with ?registered= shows the form as usual.
    """
    outcome = request.GET.get("registered", "")
    if outcome not in set(Outcome):
        return ""
    has_outcome = any(message.level == messages.SUCCESS for message in messages.get_messages(request))
    return outcome if has_outcome else ""


def _related_publications(page: LecturePage) -> list:
    related = getattr(page, "related_publications", None)
    if related is None:
        return []
    return list(related.live().public()) if hasattr(related, "live") else list(related.all())
