"""How the index compares with the database: counts, missing or stale documents, waiting operations,
and the repair of what the deep comparison found.

Used by `manage.py search_index --status`, `--check` (which exits non-zero on any problem) and
`--check --repair`, and by the hourly periodic job (salam.periodic).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from elasticsearch import Elasticsearch, helpers

from salam.content import content_types
from search import builders
from search.documents import alias_name, get_client
from search.indexing import ReplayReport, indices_with_alias, refresh, replay_outbox
from search.models import IndexOutbox
from search.tasks import queue_pages

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
    # Page ids found by the deep comparison (empty unless ``deep``), so a repair need not look again.
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    outdated: list[int] = field(default_factory=list)
    embargo_mismatch: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def pages_to_repair(self) -> list[int]:
        """Every page whose document is missing, should not be there, or is out of date."""
        return sorted({*self.missing, *self.extra, *self.outdated, *self.embargo_mismatch})


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
    if indices and deep:
        # Documents written in the last second are not searchable yet; they would count as missing.
        refresh(client)
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
        _compare_documents(client, result)
    return result


def _compare_documents(client: Elasticsearch, result: IndexStatus) -> None:
    """Pages missing from the index, documents that should not be there, outdated documents and
    documents whose full text is shown or withheld against the page's embargo."""
    expected = {}
    for indexed in builders.indexed_types():
        for pk, published in indexed.queryset().values_list("pk", "last_published_at"):
            expected[pk] = published
    seen = {}
    query = {"_source": ["published_at", "full_text_public"]}
    for hit in helpers.scan(client, index=alias_name(), query=query, size=1000):
        seen[int(hit["_id"])] = hit["_source"]
    result.missing = sorted(set(expected) - set(seen))
    result.extra = sorted(set(seen) - set(expected))
    result.outdated = sorted(
        pk
        for pk, published in expected.items()
        if pk in seen
        and published
        and seen[pk].get("published_at")
        and datetime.datetime.fromisoformat(seen[pk]["published_at"]) < published
    )
    withheld = _full_text_withheld()
    result.embargo_mismatch = sorted(
        pk
        for pk in expected
        if pk in seen
        and seen[pk].get("full_text_public") is not None
        and seen[pk]["full_text_public"] != (pk not in withheld)
    )
    if result.missing:
        result.problems.append(f"{len(result.missing)} pages missing from the index (e.g. {result.missing[:5]}).")
    if result.extra:
        result.problems.append(
            f"{len(result.extra)} documents in the index should not be there (e.g. {result.extra[:5]})."
        )
    if result.outdated:
        result.problems.append(
            f"{len(result.outdated)} documents are older than their page's last publication "
            f"(e.g. {result.outdated[:5]})."
        )
    if result.embargo_mismatch:
        result.problems.append(
            f"{len(result.embargo_mismatch)} documents show or withhold their full text against their page's "
            f"embargo (e.g. {result.embargo_mismatch[:5]})."
        )


def _full_text_withheld() -> set[int]:
    """Pages whose full text is under embargo today (every other document's text is public)."""
    today = timezone.localdate()
    withheld: set[int] = set()
    for registration in content_types():
        if registration.embargo_field:
            pages = registration.model.objects.filter(**{f"{registration.embargo_field}__gt": today})
            withheld.update(pages.values_list("pk", flat=True))
    return withheld


# --- repair -------------------------------------------------------------------------------------


@dataclass
class RepairReport:
    """What a repair re-indexed, and how the index compares with the database afterwards."""

    before: IndexStatus
    replay: ReplayReport
    after: IndexStatus

    @property
    def ok(self) -> bool:
        return self.after.ok

    def summary(self) -> str:
        """One line: how many pages were re-indexed, for which problem."""
        before, verb = self.before, "Repaired" if self.ok else "Tried to repair"
        return (
            f"{verb} {len(before.pages_to_repair)} pages: {len(before.missing)} missing, "
            f"{len(before.extra)} that should not be there, {len(before.outdated)} outdated, "
            f"{len(before.embargo_mismatch)} with the wrong embargo state."
        )


def repair(before: IndexStatus, *, client: Elasticsearch | None = None) -> RepairReport:
    """Queue every page the deep check found wrong, replay the whole outbox, and compare again."""
    client = client or get_client()
    with transaction.atomic():
        # "index" makes the document agree with the page as it is now, which also removes it when
        # the page is gone or no longer public: the one action fits all four problems.
        queue_pages(before.pages_to_repair)
    # Replayed here, not left to the worker, so the check afterwards sees the result; rows that
    # were already waiting (failed earlier) are replayed too.
    replayed = replay_outbox(client=client)
    return RepairReport(before=before, replay=replayed, after=status(client=client, deep=True))
