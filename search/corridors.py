"""A country's migration corridors, counted from the index: origin -> destination pairs tagged together.

Only live public pages are in the index, so drafts and private pages never count; an embargoed
publication counts (its tags are public, only its full text is withheld). Direction comes from the
taxonomy: a Colombo Process member state is a country of origin, a main destination a country of
destination (themes.Country's two flags, editable in the admin). A pair that is neither, or both
ways round (two countries that are each origin and destination), is no corridor.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch

from salam.flow_map import Flow, FlowMap, flow_map
from search.documents import alias_name, get_client
from search.exceptions import search_error
from search.indexing import ELASTICSEARCH_ERRORS
from search.params import SearchParams
from themes.models import Country

Roles = tuple[bool, bool]  # (country of origin, country of destination)


def corridor_direction(first: str, first_roles: Roles, second: str, second_roles: Roles) -> tuple[str, str] | None:
    """(origin, destination) of two co-tagged countries, or None when the taxonomy gives no one direction."""
    forwards = first_roles[0] and second_roles[1]
    backwards = second_roles[0] and first_roles[1]
    if forwards == backwards:
        return None
    return (first, second) if forwards else (second, first)


def corridor_counts(alpha2: str, *, client: Elasticsearch | None = None) -> dict[str, dict[str, int]]:
    """Publications and lectures per country tagged together with ``alpha2``; raises SearchUnavailable."""
    client = client or get_client()
    try:
        response = client.search(
            index=alias_name(),
            size=0,
            query={"bool": {"filter": [{"term": {"countries": alpha2}}]}},
            aggs={
                "partners": {
                    "terms": {"field": "countries", "size": 300},
                    "aggs": {"kinds": {"terms": {"field": "kind", "size": 5}}},
                }
            },
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    return {
        bucket["key"]: {kind["key"]: kind["doc_count"] for kind in bucket["kinds"]["buckets"]}
        for bucket in response["aggregations"]["partners"]["buckets"]
        if bucket["key"] != alpha2
    }


def corridor_search_url(origin: str, destination: str) -> str:
    """The search page narrowed to pages tagged with both countries of a corridor."""
    return "/search/?" + SearchParams(filters={"corridor": (origin, destination)}).query_string()


def country_corridors(alpha2: str, *, client: Elasticsearch | None = None) -> FlowMap | None:
    """The corridors of one country as a map and table; None when the taxonomy gives it no role."""
    counts = corridor_counts(alpha2, client=client)
    countries = {
        row["alpha2"]: row
        for row in Country.objects.filter(alpha2__in=[alpha2, *counts]).values(
            "alpha2", "name", "colombo_process_member", "main_destination"
        )
    }
    me = countries.get(alpha2)
    if me is None or not (me["colombo_process_member"] or me["main_destination"]):
        return None
    roles = {code: (row["colombo_process_member"], row["main_destination"]) for code, row in countries.items()}
    flows = []
    for partner, kinds in counts.items():
        if partner not in countries:
            continue
        direction = corridor_direction(alpha2, roles[alpha2], partner, roles[partner])
        if direction is None:
            continue
        origin, destination = direction
        flows.append(
            Flow(
                origin=origin,
                origin_name=countries[origin]["name"],
                destination=destination,
                destination_name=countries[destination]["name"],
                publications=kinds.get("publication", 0),
                lectures=kinds.get("lecture", 0),
                url=corridor_search_url(origin, destination),
            )
        )
    return flow_map(
        f"Migration corridors of {me['name']}",
        flows,
        focus=alpha2,
        focus_name=me["name"],
        focus_is_origin=me["colombo_process_member"],
        map_id="corridors",
    )
