"""What an alert watches: a search (words and facets) kept as a canonical query string.

Built on search.params, so an alert matches exactly what the search page shows for the same
words and filters; sort and paging are not part of an alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from search.params import CORRIDOR, FACETS, SearchParams, parse_params
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy

ALERT_PARAMETERS = ("q", *FACETS, CORRIDOR)


def alert_params(data: Mapping, *, strict: bool) -> SearchParams:
    """The words and facets of a request as an alert keeps them; ``strict`` raises InvalidSearchParameter."""
    kept = QueryDict(mutable=True)
    for name in ALERT_PARAMETERS:
        values = data.getlist(name) if hasattr(data, "getlist") else ([data[name]] if name in data else [])
        kept.setlist(name, [str(value) for value in values])
    params = parse_params(kept, strict=strict)
    # A corridor (both of two countries) is kept too: without it an alert would watch a wider search.
    kept_filters = {name: params.filters[name] for name in (*FACETS, CORRIDOR) if name in params.filters}
    return SearchParams(q=params.q, filters=kept_filters)


def query_string(params: SearchParams) -> str:
    """The canonical query string of an alert (what is stored): words and facets, never sort or page."""
    return urlencode(SearchParams(q=params.q, filters=dict(params.filters)).pairs())


def params_of(query: str) -> SearchParams:
    """The search a stored query string names (lenient: a term removed from the taxonomy is dropped)."""
    return alert_params(QueryDict(query), strict=False)


def describe(params: SearchParams) -> str:
    """The alert in words: '“recruitment fees” in Country: Nepal; GCM objective: 21. …', or 'everything new'."""
    taxonomy = get_taxonomy()
    parts = []
    for facet in FACETS:
        values = params.filters.get(facet, ())
        if facet == "type" and set(values) == set(PUBLICATION_TYPES):
            parts.append("publications")
        elif values:
            title = {"gcm": "GCM objective"}.get(facet, facet.capitalize())
            parts.append(f"{title}: {', '.join(taxonomy.label(facet, value) for value in values)}")
    if params.filters.get(CORRIDOR):
        parts.append("Corridor: " + " to ".join(taxonomy.label("country", code) for code in params.filters[CORRIDOR]))
    words = f"“{params.q}”" if params.q else ""
    if words and parts:
        return f"{words} in {'; '.join(parts)}"
    return words or "; ".join(parts) or "all new publications and lectures"


def search_path(params: SearchParams) -> str:
    """The search page's path for this alert's search."""
    query = query_string(params)
    return reverse("search:page") + (f"?{query}" if query else "")


def subscribe_path(params: SearchParams) -> str:
    """The path of the page that subscribes to this search."""
    query = query_string(params)
    return reverse("alerts:subscribe") + (f"?{query}" if query else "")
