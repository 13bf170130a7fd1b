"""What a country, theme or GCM objective landing page shows from the index: counts and the latest."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from elasticsearch import Elasticsearch

from salam.charts import Chart, Series, bar_chart
from salam.flow_map import FlowMap
from search.corridors import country_corridors
from search.documents import alias_name, get_client
from search.exceptions import SearchError, search_error
from search.faceted import FACET_TERMS, FacetValue, SearchHit, run_search
from search.indexing import ELASTICSEARCH_ERRORS
from search.params import SearchParams
from search.taxonomy import PUBLICATION_TYPES
from themes.landing import FiguresUnavailable

RELATED_FACETS = {"country": "countries", "theme": "themes", "gcm": "GCM objectives"}


@dataclass
class FacetSummary:
    """Counts for one taxonomy term and its most recent publications and lectures."""

    facet: str
    value: str
    total: int
    by_type: list[FacetValue]
    by_year: list[FacetValue]
    related: list[tuple[str, str, list[FacetValue]]] = field(default_factory=list)  # (facet, title, values)
    latest: list[SearchHit] = field(default_factory=list)
    chart: Chart | None = None  # publications per year, stacked by type
    type_chart: Chart | None = None  # publications per type
    corridors: FlowMap | None = None  # a country's origin -> destination corridors (None: not a country, or no role)

    @property
    def search_query(self) -> str:
        return SearchParams(filters={self.facet: (self.value,)}).query_string()


def facet_summary(facet: str, value: str, *, latest: int = 5, related: int = 8) -> FacetSummary:
    """Counts by type and year, the terms most often tagged alongside, and the latest results.

    Raises SearchUnavailable when Elasticsearch cannot answer (the landing page then says so).
    """
    params = SearchParams(filters={facet: (value,)}, sort="newest", page_size=latest)
    results = run_search(params, suggest=False)
    others = [
        (name, title, [fv for fv in results.facets.get(name, []) if fv.count][:related])
        for name, title in RELATED_FACETS.items()
        if name != facet
    ]
    return FacetSummary(
        facet=facet,
        value=value,
        total=results.total,
        by_type=[fv for fv in results.facets.get("type", []) if fv.count],
        by_year=sorted((fv for fv in results.facets.get("year", []) if fv.count), key=lambda fv: fv.value),
        related=[(name, title, values) for name, title, values in others if values],
        latest=results.hits,
        corridors=country_corridors(value) if facet == "country" else None,
        **dict(zip(("chart", "type_chart"), publications_charts(facet, value), strict=True)),
    )


def landing_figures(facet: str, value: str) -> FacetSummary:
    """facet_summary for themes' landing pages (registered in SearchConfig.ready()); errors as FiguresUnavailable."""
    try:
        return facet_summary(facet, value)
    except SearchError as error:
        raise FiguresUnavailable(error.message) from error


def publication_counts(facet: str, value: str, *, client: Elasticsearch | None = None) -> dict[tuple[int, str], int]:
    """Live publications tagged with one term, counted by (year, type); raises SearchUnavailable."""
    client = client or get_client()
    try:
        response = client.search(
            index=alias_name(),
            size=0,
            query={
                "bool": {
                    "filter": [
                        {"term": {"kind": "publication"}},
                        {"term": {FACET_TERMS[facet]["field"]: value}},
                    ]
                }
            },
            aggs={"years": {"terms": {"field": "year", "size": 200}, "aggs": {"types": {"terms": {"field": "type"}}}}},
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    return {
        (int(year["key"]), kind["key"]): kind["doc_count"]
        for year in response["aggregations"]["years"]["buckets"]
        for kind in year["types"]["buckets"]
    }


def publications_charts(facet: str, value: str, *, client: Elasticsearch | None = None) -> tuple[Chart, Chart]:
    """Publications per year stacked by type (every year from the first to the last), and per type."""
    counts = publication_counts(facet, value, client=client)
    years = sorted({year for year, _ in counts})
    if years:
        years = list(range(years[0], years[-1] + 1))
    types = [t for t in PUBLICATION_TYPES if any(kind == t for _, kind in counts)]
    base = {facet: value}
    by_year = bar_chart(
        "Publications per year, by type",
        [(str(year), str(year)) for year in years],
        [Series(t, PUBLICATION_TYPES[t]) for t in types],
        {(str(year), kind): n for (year, kind), n in counts.items()},
        category_title="Year",
        value_title="Publications",
        urls={
            str(year): "/search/?"
            + urlencode([*base.items(), ("year", year), *(("type", t) for t in PUBLICATION_TYPES)])
            for year in years
        },
        chart_id="pubs-by-year",
    )
    by_type = bar_chart(
        "Publications by type",
        [(t, PUBLICATION_TYPES[t]) for t in types],
        [Series("count", "Publications")],
        {(t, "count"): sum(n for (_, kind), n in counts.items() if kind == t) for t in types},
        category_title="Type",
        value_title="Publications",
        urls={t: "/search/?" + urlencode([*base.items(), ("type", t)]) for t in types},
        horizontal=True,
        chart_id="pubs-by-type",
    )
    return by_year, by_type
