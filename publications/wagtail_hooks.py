"""Publications in the admin: the Author snippet, the re-run extraction URL and PDF download rules."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from publications import admin_views, services
from publications.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "affiliation", "country", "orcid"]
    search_fields = ["name", "affiliation"]


register_snippet(AuthorViewSet)


@hooks.register("register_admin_urls")
def register_publication_admin_urls():
    urls = [path("<int:page_id>/extraction/rerun/", admin_views.rerun_extraction, name="rerun_extraction")]
    return [path("publications/", include((urls, "publications_admin"), namespace="publications_admin"))]


@hooks.register("before_serve_document")
def guard_publication_pdfs(document, request):
    """A publication's PDF is served only while the publication is live, viewable and out of embargo."""
    allowed, status, message = services.document_download_verdict(document, request)
    if allowed:
        return None
    body = render_to_string(
        "publications/document_unavailable.html", {"message": message, "status": status}, request=request
    )
    response = HttpResponse(body, status=status)
    add_never_cache_headers(response)
    return response
