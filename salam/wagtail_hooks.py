"""Site-wide admin and hooks: the partner institutes named in the footer, who may download a document,
and the script that refreshes editor panels waiting for background work."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from salam import two_factor
from salam.documents import document_download_verdict
from salam.models import PartnerInstitute


class PartnerInstituteViewSet(SnippetViewSet):
    model = PartnerInstitute
    icon = "group"
    menu_label = "Partner institutes"
    list_display = ["name", "country", "sort_order"]
    add_to_admin_menu = False


register_snippet(PartnerInstituteViewSet)


@hooks.register("before_serve_document")
def guard_documents(document, request):
    """Serve a document only to those who may have it (salam.documents); others get a page saying why not."""
    verdict = document_download_verdict(document, request)
    if verdict.allowed:
        return None
    body = render_to_string(
        "salam/document_unavailable.html", {"message": verdict.message, "status": verdict.status}, request=request
    )
    response = HttpResponse(body, status=verdict.status)
    add_never_cache_headers(response)
    return response


@hooks.register("insert_editor_js")
def panel_refresh_js() -> SafeString:
    """Refreshes editor panels that wait for background work (see salam/static/salam/admin-refresh.js)."""
    return format_html('<script src="{}" defer></script>', static("salam/admin-refresh.js"))


@hooks.register("register_admin_urls")
def two_factor_urls():
    """The code page, and turning codes on and off (salam/two_factor.py)."""
    return [
        path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
        path("two-factor/", two_factor.setup, name="two_factor_setup"),
        path("two-factor/off/", two_factor.turn_off, name="two_factor_off"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    """A button on the account page to turn two-factor sign-in on, or to see that it is on."""
    on = two_factor.confirmed_device(request.user) is not None
    return {
        "url": reverse("two_factor_setup"),
        "label": "Two-factor sign-in" + (" (on)" if on else ""),
        "help_text": "Ask for a code from an authenticator app after your password.",
    }
