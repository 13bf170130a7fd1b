"""The hub's figures for the home page, counted live from the index (only live public pages are in it).

salam's home page cannot import search (salam is the bottom layer), so the template asks through
the ``{% hub_figures %}`` tag (search/templatetags/hub.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elasticsearch import Elasticsearch

from search.documents import alias_name, get_client
from search.evidence import EvidenceMap, build_map
from search.exceptions import search_error
from search.indexing import ELASTICSEARCH_ERRORS
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy

PREVIEW_ROWS = 6


@dataclass
class HubFigures:
    """What the home page says about the evidence: counts by type, lectures held, countries, terms."""

    publications: int = 0
    by_type: list[tuple[str, str, int]] = field(default_factory=list)  # (type, label, count)
    lectures_held: int = 0
    countries: int = 0
    themes: list[tuple[str, str, int]] = field(default_factory=list)  # (slug, name, count)
    gcm: list[tuple[str, str, int]] = field(default_factory=list)  # (number, title, count)
    preview: EvidenceMap | None = None


def hub_figures(*, client: Elasticsearch | None = None) -> HubFigures:
    """Count the evidence in one request (plus the map preview's); raises SearchUnavailable when ES is down."""
    client = client or get_client()
    try:
        response = client.search(
            index=alias_name(),
            size=0,
            aggs={
                "publications": {
                    "filter": {"term": {"kind": "publication"}},
                    "aggs": {"types": {"terms": {"field": "type", "size": 20}}},
                },
                "held": {
                    "filter": {"bool": {"filter": [{"term": {"kind": "lecture"}}, {"range": {"start": {"lt": "now"}}}]}}
                },
                "countries": {"cardinality": {"field": "countries"}},
                "themes": {"terms": {"field": "themes", "size": 100}},
                "gcm": {"terms": {"field": "gcm", "size": 30}},
            },
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    aggs = response["aggregations"]
    taxonomy = get_taxonomy()
    types = {b["key"]: b["doc_count"] for b in aggs["publications"]["types"]["buckets"]}
    themes = {b["key"]: b["doc_count"] for b in aggs["themes"]["buckets"]}
    gcm = {str(b["key"]): b["doc_count"] for b in aggs["gcm"]["buckets"]}
    preview = build_map(client=client, regional_rows=False)
    preview.rows = sorted(preview.rows, key=lambda row: -row.total)[:PREVIEW_ROWS]
    return HubFigures(
        publications=aggs["publications"]["doc_count"],
        by_type=[(key, label, types[key]) for key, label in PUBLICATION_TYPES.items() if types.get(key)],
        lectures_held=aggs["held"]["doc_count"],
        countries=aggs["countries"]["value"],
        themes=sorted(
            ((slug, name, themes.get(slug, 0)) for slug, name in taxonomy.themes.items()), key=lambda t: t[1]
        ),
        gcm=[
            (number, title, gcm.get(number, 0))
            for number, title in sorted(taxonomy.gcm.items(), key=lambda i: int(i[0]))
        ],
        preview=preview,
    )
