"""The public search page, its BibTeX export, and the evidence map (HTML and CSV)."""

from __future__ import annotations

import csv
import logging
from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from salam.charts import heat_map_svg
from salam.charts_png import heat_map_png
from salam.content import bibtex_entries
from search.evidence import COLUMN_FACETS, as_csv_rows, build_map, parse_map_filters, picture_arguments
from search.exceptions import SearchError, SearchRejected
from search.faceted import FACET_NOUNS, FACET_TITLES, run_search, search_or_correct
from search.params import FACETS, SORTS, SearchParams, parse_params
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy

logger = logging.getLogger(__name__)

# How many values a facet shows before the rest fold away under "More".
FACET_VISIBLE = 8
EXPORT_LIMIT = 500
# The examples under the search box: each must find something on the demo content (a test checks).
EXAMPLES = ("recruitment fees Nepal", '"pre-departure orientation" -Nepal', "remittances OR reintegration")


def unavailable(request: HttpRequest, error: SearchError, *, what: str = "Search") -> HttpResponse:
    """A friendly page instead of a stack trace: 400 when the request was refused, 503 with browse links when down."""
    rejected = isinstance(error, SearchRejected)
    context = {"message": error.message, "what": what, "rejected": rejected}
    response = render(request, "search/unavailable.html", context, status=400 if rejected else 503)
    if not rejected:
        response["Retry-After"] = "60"
    return response


def _active_filters(params: SearchParams) -> list[dict]:
    taxonomy = get_taxonomy()
    active = []
    for facet in FACETS:
        values = params.filters.get(facet, ())
        if facet == "type" and len(values) > 1 and set(values) == set(PUBLICATION_TYPES):
            # Every publication type (as an evidence-map cell asks for) is one choice: publications.
            remove = replace(params, filters={**params.filters, "type": ()}, page=1)
            active.append(
                {"facet": FACET_TITLES[facet], "label": "Publications", "remove_query": remove.query_string()}
            )
            continue
        for value in values:
            active.append(
                {
                    "facet": FACET_TITLES[facet],
                    "label": taxonomy.label(facet, value),
                    "remove_query": params.without(facet, value).query_string(),
                }
            )
    corridor = params.filters.get("corridor", ())
    if corridor:
        remove = replace(params, filters={k: v for k, v in params.filters.items() if k != "corridor"}, page=1)
        active.append(
            {
                "facet": "Corridor",
                "label": " \u2192 ".join(taxonomy.label("country", code) for code in corridor),
                "remove_query": remove.query_string(),
            }
        )
    return active


def _more_label(facet: str, hidden: int) -> str:
    """What the fold of a facet's further values says: "3 more GCM objectives", "1 more country"."""
    singular, plural = FACET_NOUNS[facet]
    return f"{hidden} more {singular if hidden == 1 else plural}"


def _page_links(params: SearchParams, pages: int) -> list[dict]:
    """Page numbers around the current one, with gaps shown as None."""
    current = params.page
    numbers = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links: list[dict | None] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append(None)
        links.append({"number": number, "query": params.query_string(page=number), "current": number == current})
        previous = number
    return links


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Search with facets; every bit of state is in the query string, unknown values are ignored."""
    typed = parse_params(request.GET, strict=False)
    verbatim = request.GET.get("verbatim") == "1"
    try:
        results = search_or_correct(typed, verbatim=verbatim)
    except SearchError as error:
        return unavailable(request, error)
    params = results.params  # the respelling's, when a typo was corrected
    facets = []
    for name in FACETS:
        values = results.facets.get(name, [])
        # Each checkbox's id worked out here, once; {% facet_choices %} writes the list without a template.
        choices = [(f"f-{name}-{slugify(fv.value)}", fv) for fv in values]
        facets.append(
            {
                "name": name,
                "title": FACET_TITLES[name],
                "values": values,
                "shown": choices[:FACET_VISIBLE],
                "folded": choices[FACET_VISIBLE:],
                "more_label": _more_label(name, len(values) - FACET_VISIBLE),
                "has_selected_hidden": any(fv.selected for fv in values[FACET_VISIBLE:]),
            }
        )
    context = {
        "query": params.q,
        "params": params,
        "results": results,
        "facets": facets,
        "has_facets": any(facet["values"] for facet in facets),
        "active_filters": _active_filters(params),
        "clear_query": SearchParams(q=params.q).query_string(),
        "sorts": [(value, value.capitalize()) for value in SORTS],
        "previous_query": params.query_string(page=params.page - 1) if params.page > 1 else None,
        "next_query": params.query_string(page=params.page + 1) if params.page < results.pages else None,
        "page_links": _page_links(params, results.pages) if results.pages > 1 else [],
        "export_query": replace(params, page=1).query_string(),
        "suggestion_query": SearchParams(q=results.suggestion, filters=params.filters).query_string()
        if results.suggestion
        else "",
        "verbatim_query": urlencode([*typed.pairs(), ("verbatim", "1")]) if results.corrected_from else "",
        "examples": [(example, urlencode({"q": example})) for example in EXAMPLES],
    }
    return render(request, "search/search_page.html", context)


@require_GET
def export_bibtex(request: HttpRequest) -> HttpResponse:
    """The publications of the current search (up to 500) as one BibTeX file."""
    params = replace(parse_params(request.GET, strict=False), page=1, page_size=EXPORT_LIMIT)
    try:
        results = run_search(params, suggest=False)
    except SearchError as error:
        return unavailable(request, error, what="The citation export")
    ids = [hit.page_id for hit in results.hits if hit.is_publication]
    entries = bibtex_entries(ids, request)  # registered by the publications app
    response = HttpResponse("\n".join(entries), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="salam-search-results.bib"'
    return response


def _map_or_error(request: HttpRequest):
    """The filtered map, or a plain-text error response (for the downloads)."""
    filters = parse_map_filters(request.GET)
    try:
        return build_map(filters), None
    except SearchError as error:
        status = 400 if isinstance(error, SearchRejected) else 503
        return None, HttpResponse(error.message, status=status, content_type="text/plain; charset=utf-8")


def _download(response: HttpResponse, evidence, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="salam-evidence-map-{evidence.filters.slug}.{extension}"'
    return response


@require_GET
def evidence_map(request: HttpRequest) -> HttpResponse:
    """Countries x GCM objectives (or themes), each cell the number of publications, as a heat map."""
    filters = parse_map_filters(request.GET)
    try:
        evidence = build_map(filters)
    except SearchError as error:
        return unavailable(request, error, what="The evidence map")
    views = [(key, f"Countries \u00d7 {plural}") for key, (_, _, plural) in COLUMN_FACETS.items()]
    context = {
        "map": evidence,
        "views": views,
        "columns": filters.columns,
        "filters": filters,
        "types": list(PUBLICATION_TYPES.items()),
    }
    return render(request, "search/evidence_map.html", context)


@require_GET
def evidence_map_csv(request: HttpRequest) -> HttpResponse:
    """The evidence map's numbers as CSV."""
    evidence, error = _map_or_error(request)
    if error:
        return error
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerows(as_csv_rows(evidence))
    return _download(response, evidence, "csv")


@require_GET
def evidence_map_svg(request: HttpRequest) -> HttpResponse:
    """The evidence map as a standalone SVG picture (cells, totals, legend)."""
    evidence, error = _map_or_error(request)
    if error:
        return error
    response = HttpResponse(heat_map_svg(**picture_arguments(evidence)), content_type="image/svg+xml; charset=utf-8")
    return _download(response, evidence, "svg")


@require_GET
def evidence_map_png(request: HttpRequest) -> HttpResponse:
    """The evidence map as a PNG picture, drawn on the server (for slides and reports)."""
    evidence, error = _map_or_error(request)
    if error:
        return error
    response = HttpResponse(heat_map_png(**picture_arguments(evidence)), content_type="image/png")
    return _download(response, evidence, "png")
