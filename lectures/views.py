"""Public views of the lectures app: the list, the lecture page's form, signed links, calendars, captions.

Views parse and check input, call lectures.services and render; they hold no registration rules.
Everything listed here is limited to live, public lectures: drafts and private pages never show.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lectures import calendar, services
from lectures.exceptions import MESSAGES, RegistrationError
from lectures.forms import RegistrationForm
from lectures.models import (
    LecturePage,
    RegistrationStatus,
    normalise_email,
)
from lectures.presentation import SPEAKERS, public_lectures
from lectures.services import Outcome, queries
from lectures.tokens import FORGET_SALT
from lectures.transcripts import segments_to_vtt
from salam.public_urls import public_page_url
from salam.ratelimits import over_limit

logger = logging.getLogger(__name__)


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
    lecture = queries.live_lecture_with_guard(pk)
    if lecture is None:
        raise Http404("No such lecture")
    if lecture.guarded and not all(rule.accept_request(request) for rule in lecture.get_view_restrictions()):
        raise Http404("No such lecture")
    return lecture


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
