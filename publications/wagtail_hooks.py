"""Publications in the admin: the Author snippet, the re-run extraction URL and review wording."""

from django.contrib import messages
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from publications import admin_views
from publications.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 250
    add_to_admin_menu = True
    # The admin's search cannot sort by a related object, so the country column is not sortable.
    list_display = ["name", "affiliation", Column("country", label="Country"), "orcid"]


register_snippet(AuthorViewSet)


@hooks.register("register_admin_urls")
def register_publication_admin_urls():
    urls = [
        path("<int:page_id>/extraction/rerun/", admin_views.rerun_extraction, name="rerun_extraction"),
        path("<int:page_id>/extraction/panel/", admin_views.extraction_panel, name="extraction_panel"),
    ]
    return [path("publications/", include((urls, "publications_admin"), namespace="publications_admin"))]


@hooks.register("after_edit_page")
def say_published_after_approval(request: HttpRequest, page: Page) -> None:
    """After "Approve and publish" in the editor, say the page was published, not "updated"."""
    if request.method != "POST" or "action-workflow-action" not in request.POST:
        return
    if request.POST.get("workflow-action-name") != "approve":
        return
    # A workflow with more tasks would move on to the next one instead of publishing.
    if not Page.objects.filter(pk=page.pk, live=True, has_unpublished_changes=False).exists():
        return
    # Wagtail has already queued "Page '…' has been updated."; reading the messages takes them off
    # the queue, so the others are put back and that one is replaced.
    for message in list(messages.get_messages(request)):
        text = message.message
        if str(text).strip().endswith("has been updated."):  # Wagtail's text, HTML-escaped
            text = f"Page '{page.get_admin_display_title()}' has been approved and published."
        messages.add_message(request, message.level, text, extra_tags=message.extra_tags)


@hooks.register("insert_editor_js")
def pdf_chooser_js() -> SafeString:
    """Titles a PDF uploaded from a publication's editor after the publication, and offers only PDFs."""
    return format_html('<script src="{}" defer></script>', static("publications/pdf-chooser.js"))
