"""Admin views behind the suggestions panel: its accept and reject buttons (POST only) and its refresh."""

import pycountry
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from themes import services
from themes.exceptions import TaggingError
from themes.models import TagDecision
from themes.panels import PANEL_ANCHOR, TEMPLATE, suggestions_panel_context

ADD_COUNTRY = "add-country"
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
        label, name = None, code
    add_country = False
    if label is None and family == "country" and decision == TagDecision.Decision.ACCEPTED:
        country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
        if country is None:
            raise Http404(f"{code!r} is not an ISO 3166 country code.")
        if request.POST.get("confirm") != ADD_COUNTRY:
            # A new country is public (its own page, a search filter): ask before adding it.
            context = {
                "page": page,
                "country": getattr(country, "common_name", None) or country.name,
                "code": country.alpha_2,
                "confirm": ADD_COUNTRY,
                "cancel_url": edit_url,
            }
            return render(request, "themes/admin/confirm_new_country.html", context)
        add_country, name = True, getattr(country, "common_name", None) or country.name
    try:
        result = services.decide_tag(page_id, family, code, decision, request.user, add_country=add_country)
    except TaggingError as exc:
        raise Http404(str(exc)) from exc
    if add_country:
        messages.info(request, f"{name} was added to the taxonomy's countries; edit it under Countries if needed.")
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


def suggestions_panel(request: HttpRequest, page_id: int) -> HttpResponse:
    """The suggestions panel alone, for the editor's script to refresh it while the tagger works."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        return HttpResponseForbidden("You may not edit this page.")
    draft = page.get_latest_revision_as_object() if page.latest_revision_id else page
    response = render(request, TEMPLATE, suggestions_panel_context(draft, request))
    response["Cache-Control"] = "no-store"
    return response
