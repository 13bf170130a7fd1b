"""Links to the alert form from the search page, landing pages and evidence-map cells."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.http import QueryDict
from django.templatetags.static import static
from django.utils.html import format_html

from alerts.searches import alert_params, subscribe_path
from search.params import FACETS, SearchParams
from search.taxonomy import get_taxonomy

register = template.Library()


@register.simple_tag
def alert_search_url(params: SearchParams | None) -> str:
    """The alert form for the words and facets of a search (sort and page left out)."""
    return subscribe_path(params or SearchParams())


@register.simple_tag
def alert_facet_url(facet: str, value) -> str:
    """The alert form for one taxonomy term (a landing page)."""
    if facet not in FACETS:
        return subscribe_path(SearchParams())
    data = QueryDict(mutable=True)
    data.setlist(facet, [str(value)])
    return subscribe_path(alert_params(data, strict=False))


@register.simple_tag
def alert_for_cell(cell_url: str) -> dict | None:
    """The alert for an evidence-map cell: its link, and 'Nepal x GCM objective 21' to say what it watches."""
    params = alert_params(QueryDict(urlsplit(cell_url or "").query), strict=False)
    taxonomy = get_taxonomy()
    country = params.filters.get("country", ())
    column = [(facet, params.filters[facet]) for facet in ("gcm", "theme") if params.filters.get(facet)]
    if not country or not column:
        return None
    facet, values = column[0]
    what = f"GCM objective {values[0]}" if facet == "gcm" else taxonomy.label(facet, values[0])
    return {"url": subscribe_path(params), "label": f"{taxonomy.label('country', country[0])} \u00d7 {what}"}


@register.simple_tag(takes_context=True)
def alerts_stylesheet(context) -> str:
    """The alerts stylesheet, once per page however many entry points it has (a body <link> is valid HTML)."""
    request = context.get("request")
    if request is None or getattr(request, "_alerts_stylesheet", False):
        return ""
    request._alerts_stylesheet = True
    return format_html('<link rel="stylesheet" href="{}">', static("alerts/alerts.css"))
