"""What a country, theme or GCM objective landing page shows from the index: counts and the latest."""

from __future__ import annotations

from dataclasses import dataclass, field

from search.exceptions import SearchError
from search.faceted import FacetValue, SearchHit, run_search
from search.params import SearchParams
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
    )


def landing_figures(facet: str, value: str) -> FacetSummary:
    """facet_summary for themes' landing pages (registered in SearchConfig.ready()); errors as FiguresUnavailable."""
    try:
        return facet_summary(facet, value)
    except SearchError as error:
        raise FiguresUnavailable(error.message) from error
