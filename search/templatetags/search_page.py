"""{% facet_choices facet.shown facet.name %}: one facet's checkboxes on the search page, written in Python.

A broad search shows a hundred facet values; rendered through a template each cost a dozen
variable look-ups, which made the facet list the largest part of the page's own time.
"""

from collections.abc import Iterable

from django import template
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHOICE = (
    '<li class="facet__value">\n'
    '  <input type="checkbox" id="{}" name="{}" value="{}"{}>\n'
    '  <label for="{}">{} <span class="facet__count">({}<span class="visually-hidden"> results</span>)</span></label>\n'
    "</li>\n"
)


@register.simple_tag
def facet_choices(choices: Iterable[tuple[str, object]], name: str) -> SafeString:
    """The <li> checkboxes of (element id, FacetValue) pairs; every value is escaped by format_html."""
    return format_html_join(
        "",
        CHOICE,
        (
            (dom_id, name, fv.value, mark_safe(" checked") if fv.selected else "", dom_id, fv.label, localize(fv.count))
            for dom_id, fv in choices
        ),
    )
