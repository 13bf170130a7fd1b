"""How the index compares with the database: counts, missing or stale documents, waiting operations.

Used by `manage.py search_index --status` and `--check` (which exits non-zero on any problem).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from elasticsearch import Elasticsearch, helpers

from search import builders
from search.documents import alias_name, get_client
from search.indexing import indices_with_alias
from search.models import IndexOutbox

STALE_OUTBOX_MINUTES = 10


@dataclass
class IndexStatus:
    """Database versus index, and what is still waiting in the outbox."""

    alias: str
    indices: list[str]
    database: dict[str, int]
    index: dict[str, int]
    pending: int
    failing: int
    oldest_pending: datetime.datetime | None
    last_error: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def status(*, client: Elasticsearch | None = None, deep: bool = False) -> IndexStatus:
    """Counts in the database and the index, pending outbox rows; ``deep`` compares every document."""
    client = client or get_client()
    database = builders.count_indexable()
    outbox = IndexOutbox.objects.all()
    oldest = outbox.order_by("created").first()
    failing = outbox.filter(attempts__gt=0)
    last_failed = failing.order_by("-last_attempt_at").first()
    indices = indices_with_alias(client, alias_name())
    index_counts: dict[str, int] = {}
    if indices:
        response = client.search(index=alias_name(), size=0, aggs={"kinds": {"terms": {"field": "kind", "size": 10}}})
        index_counts = {b["key"]: b["doc_count"] for b in response["aggregations"]["kinds"]["buckets"]}
    result = IndexStatus(
        alias=alias_name(),
        indices=indices,
        database=database,
        index={kind: index_counts.get(kind, 0) for kind in database} | index_counts,
        pending=outbox.count(),
        failing=failing.count(),
        oldest_pending=oldest.created if oldest else None,
        last_error=last_failed.last_error if last_failed else "",
    )
    if not indices:
        result.problems.append(f"The index is missing: no index behind the alias {alias_name()!r}.")
        return result
    for kind, expected in database.items():
        if result.index.get(kind, 0) != expected:
            result.problems.append(f"{kind}: {expected} in the database, {result.index.get(kind, 0)} in the index.")
    stale_before = timezone.now() - datetime.timedelta(minutes=STALE_OUTBOX_MINUTES)
    stuck = outbox.filter(created__lt=stale_before).count()
    if stuck:
        result.problems.append(f"{stuck} index operations have waited more than {STALE_OUTBOX_MINUTES} minutes.")
    if deep:
        result.problems.extend(_compare_documents(client))
    return result


def _compare_documents(client: Elasticsearch) -> list[str]:
    """Pages missing from the index, documents that should not be there, and outdated documents."""
    expected = {}
    for indexed in builders.indexed_types():
        for pk, published in indexed.queryset().values_list("pk", "last_published_at"):
            expected[pk] = published
    seen = {}
    for hit in helpers.scan(client, index=alias_name(), query={"_source": ["published_at"]}, size=1000):
        seen[int(hit["_id"])] = hit["_source"].get("published_at")
    problems = []
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    if missing:
        problems.append(f"{len(missing)} pages missing from the index (e.g. {missing[:5]}).")
    if extra:
        problems.append(f"{len(extra)} documents in the index should not be there (e.g. {extra[:5]}).")
    outdated = [
        pk
        for pk, published in expected.items()
        if pk in seen and published and seen[pk] and datetime.datetime.fromisoformat(seen[pk]) < published
    ]
    if outdated:
        problems.append(
            f"{len(outdated)} documents are older than their page's last publication (e.g. {outdated[:5]})."
        )
    return problems
