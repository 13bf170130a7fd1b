"""Admin views behind the suggestions panel's accept and reject buttons (POST only)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from themes import services
from themes.exceptions import TaggingError
from themes.models import TagDecision
from themes.panels import PANEL_ANCHOR

_OUTCOMES = {
    "published": "The page was republished with it.",
    "draft": "The change is in a new draft of the page; publish it to make it live.",
    "saved": "The change is saved with the page.",
    "": "",
}


def _decide(request: HttpRequest, page_id: int, family: str, code: str, decision: str) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        # A plain 403: Wagtail would turn PermissionDenied into a redirect to the dashboard.
        return HttpResponseForbidden("You may not edit this page, so you cannot change its tags.")
    edit_url = reverse("wagtailadmin_pages:edit", args=[page_id]) + f"#{PANEL_ANCHOR}"
    lock = page.get_lock()
    if lock is not None and lock.for_user(request.user):
        messages.error(request, f"“{page.title}” is locked, so its tags cannot be changed now.")
        return redirect(edit_url)
    try:
        label = services.resolve_label(family, code, create_country=False)
        name = str(label)
    except TaggingError:
        name = code
    try:
        result = services.decide_tag(page_id, family, code, decision, request.user)
    except TaggingError as exc:
        raise Http404(str(exc)) from exc
    if decision == TagDecision.Decision.ACCEPTED:
        text = f"“{name}” accepted: it stays on the page whatever the tagger finds later."
    else:
        text = f"“{name}” rejected: it is off the page and the tagger will not add it again."
    messages.success(request, f"{text} {_OUTCOMES.get(result.written, '')}".strip())
    return redirect(edit_url)


@require_POST
def accept_tag(request: HttpRequest, page_id: int, family: str, code: str) -> HttpResponse:
    """Keep a label on the page as the editor's own."""
    return _decide(request, page_id, family, code, TagDecision.Decision.ACCEPTED)


@require_POST
def reject_tag(request: HttpRequest, page_id: int, family: str, code: str) -> HttpResponse:
    """Take a label off the page for good."""
    return _decide(request, page_id, family, code, TagDecision.Decision.REJECTED)
