"""The taxonomy in the admin (one menu group with countries, themes and GCM objectives), and the
tagger in the page editor (accept/reject URLs, the decision form, editor changes as decisions)."""

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from themes import services, views_admin
from themes.models import Country, GCMObjective, Theme
from themes.panels import DECISION_FORM_ID


# The viewsets name no search_fields: their list and chooser then search everything the models index
# (Model.search_fields) through Wagtail's index. Naming fields here makes the database backend
# search table columns instead, which fails ("no such column: name") or refuses codes.
class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "site"
    list_display = ["name", "alpha2", "alpha3", "colombo_process_member", "main_destination"]
    list_filter = ["colombo_process_member", "main_destination"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]


class GCMObjectiveViewSet(SnippetViewSet):
    model = GCMObjective
    icon = "list-ol"
    list_display = ["number", "title"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (CountryViewSet, ThemeViewSet, GCMObjectiveViewSet)


register_snippet(TaxonomyGroup)


# --- Tagging in the page editor ----------------------------------------------------------------

_BEFORE_ATTR = "_themes_tags_before_edit"


@hooks.register("register_admin_urls")
def register_tagging_urls() -> list[URLPattern]:
    return [
        path(
            "themes/tags/<int:page_id>/<str:family>/<str:code>/accept/",
            views_admin.accept_tag,
            name="themes_tag_accept",
        ),
        path(
            "themes/tags/<int:page_id>/<str:family>/<str:code>/reject/",
            views_admin.reject_tag,
            name="themes_tag_reject",
        ),
        path("themes/tags/<int:page_id>/panel/", views_admin.suggestions_panel, name="themes_tag_panel"),
    ]


@hooks.register("insert_editor_js")
def tag_decision_form() -> SafeString:
    """The empty form the suggestions panel's buttons submit (it must live outside the page form)."""
    return format_html(
        '<form id="{}" method="post" hidden></form><script src="{}" defer></script>',
        DECISION_FORM_ID,
        static("themes/tag-decisions.js"),
    )


@hooks.register("register_log_actions")
def register_tagging_log_actions(actions) -> None:
    actions.register_action(services.TAGS_UPDATED_ACTION, "Update tags", "Tags updated (tagger or tag decision)")


@hooks.register("before_edit_page")
def remember_tags_before_edit(request: HttpRequest, page: Page) -> None:
    """Note the tags as stored before an editor's save, to see afterwards what the editor removed."""
    if request.method == "POST" and services.is_taggable(page):
        setattr(request, _BEFORE_ATTR, services.snapshot_tags(page))


@hooks.register("after_edit_page")
def record_tag_decisions_after_edit(request: HttpRequest, page: Page) -> None:
    """An editor who removed or added a tag in the editor has decided: record it for the tagger."""
    before = getattr(request, _BEFORE_ATTR, None)
    if before is not None and services.is_taggable(page):
        services.record_editor_changes(before, page, request.POST, request.user)
