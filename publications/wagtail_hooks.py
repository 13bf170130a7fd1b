"""Publications in the admin: the Author snippet and the re-run extraction URL."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.ui.tables import Column
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
    urls = [path("<int:page_id>/extraction/rerun/", admin_views.rerun_extraction, name="rerun_extraction")]
    return [path("publications/", include((urls, "publications_admin"), namespace="publications_admin"))]
