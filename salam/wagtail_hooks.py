"""Site-wide admin: the partner institutes named in the footer."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from salam.models import PartnerInstitute


class PartnerInstituteViewSet(SnippetViewSet):
    model = PartnerInstitute
    icon = "group"
    menu_label = "Partner institutes"
    list_display = ["name", "country", "sort_order"]
    add_to_admin_menu = False


register_snippet(PartnerInstituteViewSet)
