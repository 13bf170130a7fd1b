"""The taxonomy in the admin: one menu group with countries, themes and GCM objectives."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from themes.models import Country, GCMObjective, Theme


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "site"
    list_display = ["name", "alpha2", "alpha3", "colombo_process_member", "main_destination"]
    list_filter = ["colombo_process_member", "main_destination"]
    search_fields = ["name", "alpha2", "aliases", "demonyms"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name", "keywords"]


class GCMObjectiveViewSet(SnippetViewSet):
    model = GCMObjective
    icon = "list-ol"
    list_display = ["number", "title"]
    search_fields = ["title", "keywords"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (CountryViewSet, ThemeViewSet, GCMObjectiveViewSet)


register_snippet(TaxonomyGroup)
