"""Public views of the lectures app: the list, the lecture page's form, signed links, calendars, captions.

Views parse and check input, call lectures.services and render; they hold no registration rules.
Everything listed here is limited to live, public lectures: drafts and private pages never show.
"""

import logging
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page, PageViewRestriction

from lectures import calendar, services
from lectures.exceptions import MESSAGES, RegistrationError
from lectures.forms import LectureFilterForm, RegistrationForm
from lectures.models import (
    LectureCountryTag,
    LectureIndexPage,
    LecturePage,
    LectureSpeaker,
    LectureThemeTag,
    RegistrationStatus,
    normalise_email,
)
from lectures.services import Outcome
from lectures.tokens import FORGET_SALT
from lectures.transcripts import format_offset, segments_to_vtt
from salam.public_urls import public_page_url
from salam.ratelimits import over_limit

logger = logging.getLogger(__name__)

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


def _render_page(request: HttpRequest, page: LecturePage, form: RegistrationForm, status: int) -> TemplateResponse:
    page = LecturePage.objects.get(pk=page.pk)  # every field, for the whole page
    context = page.get_context(request, registration_form=form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


def _rate_limited(request: HttpRequest, email: str) -> bool:
    """Count this attempt against the caller's address and the email; True when either is over its limit."""
    per_ip = settings.LECTURE_REGISTRATION_RATE_PER_IP
    per_email = settings.LECTURE_REGISTRATION_RATE_PER_EMAIL
    limited = False
    if per_ip:
        limited |= over_limit(request, group="lectures.register.ip", key="ip", rate=per_ip)
    if per_email and email:
        limited |= over_limit(request, group="lectures.register.email", key=lambda group, req: email, rate=per_email)
    return limited


SUCCESS_MESSAGES = {
    Outcome.CONFIRMED: "You are registered. We have emailed a confirmation with a calendar invitation to {email}.",
    Outcome.WAITING: (
        "The lecture is full, so you are on the waiting list (position {position}). "
        "We have emailed {email} and will write again if a seat becomes free."
    ),
    Outcome.ALREADY_CONFIRMED: ("{email} is already registered for this lecture; we have sent the confirmation again."),
    Outcome.ALREADY_WAITING: (
        "{email} is already on the waiting list (position {position}); we have sent the details again."
    ),
}


def visible_lecture(request: HttpRequest, pk: int) -> LecturePage:
    """The live lecture `pk` if this visitor may see its page (Wagtail's privacy settings), else 404.

    One plain query in the common case: the lecture, with whether a view restriction or an alias
    sits on it or an ancestor (an ancestor's path is a prefix of the lecture's). Only then are the
    restrictions read the way Wagtail reads them (`get_view_restrictions`, which follows aliases to
    their source pages) and checked against the request. The query runs on every registration, so
    it is written out (the ORM's version cost several times the query itself); only the fields
    these checks and the redirect read are loaded, `_render_page` loads the rest when needed.
    """
    found = list(LecturePage.objects.raw(_visibility_sql(connection.vendor), [pk]))
    if not found:
        raise Http404("No such lecture")
    lecture = found[0]
    if lecture.guarded and not all(rule.accept_request(request) for rule in lecture.get_view_restrictions()):
        raise Http404("No such lecture")
    return lecture


@cache
def _visibility_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    lecture, page, restriction = (quote(model._meta.db_table) for model in (LecturePage, Page, PageViewRestriction))

    def prefix_of_lecture(table: str) -> str:
        return f"SUBSTR(p.path, 1, LENGTH({table}.path)) = {table}.path"

    # Table names come from the models; the lecture's id is a parameter.
    return (
        "SELECT l.page_ptr_id, p.id, p.path, p.depth, p.url_path, p.alias_of_id,"  # noqa: S608
        f" (EXISTS (SELECT 1 FROM {restriction} r INNER JOIN {page} rp ON rp.id = r.page_id"
        f" WHERE {prefix_of_lecture('rp')})"
        f" OR EXISTS (SELECT 1 FROM {page} a WHERE a.alias_of_id IS NOT NULL AND {prefix_of_lecture('a')})) AS guarded"
        f" FROM {lecture} l INNER JOIN {page} p ON p.id = l.page_ptr_id WHERE l.page_ptr_id = %s AND p.live"
    )


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Handle the registration form of a lecture page (PRG: redirect back to the page after success).

    The form posts here rather than to the page itself, so a registration does not pay for
    Wagtail's routing through the page tree; errors re-render the lecture page with the form.
    """
    page = visible_lecture(request, pk)
    form = RegistrationForm(request.POST)
    email = normalise_email(request.POST.get("email", ""))[:254]
    if _rate_limited(request, email):
        logger.warning("Registration rate limit hit for lecture %s", page.pk)
        form.add_error(None, MESSAGES["rate_limited"])
        return _render_page(request, page, form, status=429)
    if form.honeypot_filled():
        form.add_error(None, MESSAGES["honeypot"])
        return _render_page(request, page, form, status=400)
    if not form.is_valid():
        return _render_page(request, page, form, status=400)
    try:
        result = services.register(page.pk, form.details())
    except RegistrationError as exc:
        form.add_error(None, exc.message)
        return _render_page(request, page, form, status=409)
    message = SUCCESS_MESSAGES[result.outcome].format(email=result.registration.email, position=result.waiting_position)
    messages.success(request, message)
    return HttpResponseRedirect(f"{_back_to_page(request, page)}?registered={result.outcome.value}#registration")


def _back_to_page(request: HttpRequest, page: LecturePage) -> str:
    """The lecture page's path, as the form sent it (`next`) when that is a path on this site.

    Saves looking the page's URL up (the site's root paths, a cache read) on every registration;
    a `next` that is missing or points elsewhere falls back to the page's URL.
    """
    parts = urlsplit(request.POST.get("next", ""))
    local = not parts.scheme and not parts.netloc and parts.path.startswith("/")
    if local and url_has_allowed_host_and_scheme(parts.path, allowed_hosts={request.get_host()}):
        return parts.path
    return page.url


# ---- signed links ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, token: str) -> HttpResponse:
    """Show the registration a link names and cancel it on POST (GET never changes anything)."""
    context: dict = {"action": "cancel"}
    try:
        registration = services.registration_from_token(token)
        if registration.lecture.has_ended():
            raise RegistrationError("link_expired")
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError("already_cancelled")
        context["registration"] = registration
        if request.method == "POST":
            services.cancel_by_token(token)
            context["done"] = True
    except RegistrationError as exc:
        context["error"] = exc.message
        return render(request, "lectures/registration_link.html", context, status=400)
    return render(request, "lectures/registration_link.html", context)


@require_http_methods(["GET", "POST"])
def forget_registration(request: HttpRequest, token: str) -> HttpResponse:
    """Delete one's details from a lecture's registrations (confirmed with a POST)."""
    context: dict = {"action": "forget"}
    try:
        context["registration"] = services.registration_from_token(token, salt=FORGET_SALT)
        if request.method == "POST":
            services.forget_by_token(token)
            context["done"] = True
    except RegistrationError as exc:
        context["error"] = exc.message
        return render(request, "lectures/registration_link.html", context, status=400)
    return render(request, "lectures/registration_link.html", context)


# ---- calendars and captions -----------------------------------------------------------------


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Upcoming public lectures as a calendar to subscribe to (no joining links)."""
    lectures = public_lectures().filter(end__gte=timezone.now()).order_by("start").prefetch_related(SPEAKERS)
    content = calendar.public_calendar([(lecture, public_page_url(lecture) or "") for lecture in lectures])
    return _ics_response(content, "salam-lectures.ics")


def _public_lecture(pk: int) -> LecturePage:
    lecture = public_lectures().filter(pk=pk).prefetch_related(SPEAKERS).first()
    if lecture is None:
        raise Http404("No such lecture")
    return lecture


@require_GET
def lecture_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """One public lecture as a calendar file (no joining link)."""
    lecture = _public_lecture(pk)
    return _ics_response(
        calendar.public_calendar([(lecture, public_page_url(lecture) or "")], name=lecture.title), f"{lecture.slug}.ics"
    )


@require_GET
def transcript_vtt(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript as WebVTT captions for the player's <track>."""
    lecture = _public_lecture(pk)
    segments = lecture.transcript_segments()
    if not segments:
        raise Http404("This lecture has no transcript")
    return HttpResponse(segments_to_vtt(segments), content_type="text/vtt; charset=utf-8")
