"""What is new for an alert: pages first published in a window that match its search, live and public only.

Elasticsearch says which pages match the words and facets (as the search page would); the
database then keeps only live pages that anyone may see and that were first published in the
window, so a draft, a private page or one republished after an edit never counts as new.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from wagtail.models import Page

from salam.public_urls import public_page_url
from search.documents import alias_name, get_client
from search.exceptions import search_error
from search.faceted import search_body
from search.indexing import ELASTICSEARCH_ERRORS
from search.params import SearchParams
from search.query import parse_query
from search.taxonomy import TYPE_LABELS

logger = logging.getLogger(__name__)

# More candidates than a digest shows: some are left out by the database's stricter checks.
CANDIDATES = 200


@dataclass(frozen=True)
class DigestItem:
    """One new publication or lecture in a digest: what it is and where to read it (never its text)."""

    page_id: int
    title: str
    kind: str  # "Policy brief", "Lecture", ...
    url: str
    published: datetime.datetime


def matching_ids(params: SearchParams, since: datetime.datetime, *, size: int = CANDIDATES) -> list[int]:
    """Ids of indexed pages matching the search and (re)published since ``since``; raises SearchError."""
    body = search_body(parse_query(params.q), dict(params.filters), "newest", offset=0, size=size, passages=1)
    for unused in ("aggs", "highlight"):
        body.pop(unused, None)
    # published_at is the last publication: a superset of the pages first published since then.
    body["query"] = {"bool": {"must": [body["query"]], "filter": [{"range": {"published_at": {"gte": since}}}]}}
    body["sort"] = [{"published_at": {"order": "desc"}}]
    body["_source"] = ["page_id"]
    body["track_total_hits"] = False
    try:
        response = get_client().search(index=alias_name(), body=body).body
    except ELASTICSEARCH_ERRORS as exc:
        logger.warning("alert search failed: %s", exc)
        raise search_error(exc) from exc
    return [int(hit["_source"].get("page_id") or hit["_id"]) for hit in response["hits"]["hits"]]


def new_items(
    params: SearchParams, since: datetime.datetime, until: datetime.datetime, *, limit: int
) -> tuple[list[DigestItem], int]:
    """(the newest ``limit`` items first published in [since, until), how many there are in all)."""
    ids = matching_ids(params, since)
    if not ids:
        return [], 0
    pages = (
        Page.objects.live()
        .public()
        .filter(pk__in=ids, first_published_at__gte=since, first_published_at__lt=until)
        .order_by("-first_published_at", "-pk")
        .specific()
    )
    found = list(pages)
    items = []
    for page in found[:limit]:
        url = public_page_url(page)
        if url is None:
            continue
        kind = "lecture" if page._meta.model_name == "lecturepage" else getattr(page, "publication_type", "")
        items.append(
            DigestItem(
                page.pk,
                page.title,
                TYPE_LABELS.get(kind, kind.replace("_", " ").capitalize()),
                url,
                page.first_published_at,
            )
        )
    return items, len(found)
