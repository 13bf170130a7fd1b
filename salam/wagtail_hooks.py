"""Site-wide admin and hooks: the partner institutes named in the footer, who may download a document,
the script that refreshes editor panels waiting for background work, and the background tasks report."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from salam import background_tasks, two_factor
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


@hooks.register("register_admin_urls")
def background_task_urls():
    """The background tasks report and its retry action (salam/background_tasks.py)."""
    return [
        path("background-tasks/", background_tasks.task_list, name="background_tasks"),
        path("background-tasks/<uuid:task_id>/retry/", background_tasks.retry, name="background_task_retry"),
    ]


class BackgroundTasksMenuItem(MenuItem):
    """Shown to staff only: nobody else may open the report."""

    def is_shown(self, request) -> bool:
        return background_tasks.may_see_tasks(request.user)


@hooks.register("register_reports_menu_item")
def background_tasks_menu_item():
    return BackgroundTasksMenuItem("Background tasks", reverse("background_tasks"), icon_name="cogs", order=900)
