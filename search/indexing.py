"""Writing to the search index: the outbox, bulk writes, rebuilds with an alias swap, embargoes.

Every change that affects the index (publish, unpublish, delete, privacy, embargo, new text)
adds an ``IndexOutbox`` row in the transaction that made the change; after commit a task replays
the outbox in bulk. A row means "make the index agree with this page as it is now", so replaying
twice, out of order or after a long outage is always safe. Documents carry an external version
(from a counter in the database, taken before the data is read), so a slow writer never overwrites a
newer document. Writes go to the aliases, never to a concrete index name, so a write that arrives
after a rebuild swapped and deleted an index lands in the new one instead of re-creating the old.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from search import builders
from search.documents import alias_name, building_alias_name, get_client, index_body, new_index_name
from search.exceptions import IndexMissing, RebuildIncomplete
from search.models import IndexOutbox, IndexVersion

logger = logging.getLogger(__name__)

# What "Elasticsearch did not do it" looks like: down, timing out, or answering with an error.
ELASTICSEARCH_ERRORS = (TransportError, ApiError, helpers.BulkIndexError)
OUTBOX_BATCH = 200
REBUILD_TIMEOUT_S = 120

# --- versions -----------------------------------------------------------------------------------


def next_version() -> int:
    """The next external version for documents about to be read from the database.

    One ``UPDATE ... RETURNING`` on the IndexVersion row: atomic on SQLite and PostgreSQL, so two
    writers never share a version and a later read always gets a higher one. Elasticsearch then
    keeps the document from the latest read and answers 409 to an older one, which is why a 409
    counts as done: something newer is already there.
    """
    quote = connection.ops.quote_name
    table, value = quote(IndexVersion._meta.db_table), quote("value")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {value} = {value} + 1 WHERE id = 1 RETURNING {value}")  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    # The row is made by the migration; only a flushed test database lacks it.
    IndexVersion.objects.get_or_create(pk=1, defaults={"value": time.time_ns() // 1_000})
    return next_version()


# --- index plumbing -----------------------------------------------------------------------------


def indices_with_alias(client: Elasticsearch, alias: str) -> list[str]:
    """Concrete indices the alias points at (empty when it does not exist)."""
    try:
        return sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def write_targets(client: Elasticsearch) -> list[str]:
    """The aliases a change must reach: the live one, and the building one while a rebuild runs.

    Aliases, not the indices behind them: the write goes wherever the alias points when it
    arrives, and with ``require_alias`` it fails rather than create an index under that name.
    """
    return [alias for alias in (alias_name(), building_alias_name()) if indices_with_alias(client, alias)]


# While a rebuild loads its new index nobody searches it: no refreshes, no replicas to copy every
# write to (a replica is recovered from the finished primary, a file copy, at the end), and the
# translog synced in the background rather than after each bulk request (if the process dies, the
# half-built index is dropped anyway). finish_bulk_load() restores the ordinary settings.
BULK_LOAD_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0, "translog": {"durability": "async"}}


def create_index(client: Elasticsearch, name: str, *, aliases: Iterable[str] = (), bulk_load: bool = False) -> None:
    """Create a concrete index with our settings and mappings (``bulk_load``: tuned for a rebuild)."""
    body = index_body()
    if bulk_load:
        body["settings"].update(BULK_LOAD_SETTINGS)
    client.indices.create(
        index=name, settings=body["settings"], mappings=body["mappings"], aliases={a: {} for a in aliases}
    )


def finish_bulk_load(client: Elasticsearch, name: str) -> None:
    """Give an index loaded with BULK_LOAD_SETTINGS the ordinary ones back, and make it searchable."""
    live = index_body()["settings"]
    client.indices.put_settings(
        index=name,
        settings={
            "index": {
                "refresh_interval": live["refresh_interval"],
                "number_of_replicas": live["number_of_replicas"],
                "translog.durability": "request",
            }
        },
    )
    # A node that held the new index and died comes back with its copy; nothing is read before then.
    client.cluster.health(index=name, wait_for_status="yellow", timeout=f"{REBUILD_TIMEOUT_S}s")
    client.indices.refresh(index=name)


def refresh(client: Elasticsearch | None = None) -> None:
    """Make recent writes searchable now (tests and the rebuild; normally a second suffices)."""
    (client or get_client()).indices.refresh(index=alias_name())


def _actions(documents: dict[int, dict | None], targets: list[str], version: int) -> Iterator[dict]:
    for target in targets:
        for page_id, document in documents.items():
            meta = {"_index": target, "_id": str(page_id), "version": version, "version_type": "external"}
            if document is None:
                yield {"_op_type": "delete", **meta}
            else:
                yield {"_op_type": "index", **meta, "_source": document}


def _item_ok(action: str, result: dict) -> bool:
    status = result.get("status", 500)
    # 409: a newer version is already there; 404 on delete: it was never indexed. Both are fine.
    return status < 300 or status == 409 or (action == "delete" and status == 404)


def bulk_write(
    client: Elasticsearch, documents: dict[int, dict | None], version: int, targets: list[str]
) -> dict[int, str]:
    """Index (document) or delete (None) each page in every target; returns page id -> error."""
    failed: dict[int, str] = {}
    if not documents or not targets:
        return failed
    for ok, item in helpers.streaming_bulk(
        client.options(request_timeout=REBUILD_TIMEOUT_S),
        _actions(documents, targets, version),
        chunk_size=200,
        max_chunk_bytes=20 * 1024 * 1024,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=0,
        require_alias=True,  # every target is an alias; never create an index under its name
    ):
        action, result = next(iter(item.items()))
        if not ok and not _item_ok(action, result):
            error = result.get("error", {})
            failed[int(result["_id"])] = f"{error.get('type', result.get('status'))}: {error.get('reason', '')}"[:500]
    return failed


# --- outbox replay ------------------------------------------------------------------------------


@dataclass
class ReplayReport:
    """What one replay of the outbox did."""

    synced: int = 0
    failed: int = 0
    remaining: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        return {"synced": self.synced, "failed": self.failed, "remaining": self.remaining, "error": self.error}


def replay_outbox(*, batch_size: int = OUTBOX_BATCH, client: Elasticsearch | None = None) -> ReplayReport:
    """Apply pending outbox rows in bulk; rows that fail stay, with their error, for the next run."""
    client = client or get_client()
    report = ReplayReport()
    cursor = 0
    while True:
        # Taken before the batch's transaction, so it commits at once: taken inside, a worker killed
        # after its bulk write would roll the counter back, the next replay would reuse the version,
        # and Elasticsearch would refuse its newer documents as "already there" (409).
        version = next_version()
        with transaction.atomic():
            rows = list(
                IndexOutbox.objects.select_for_update(skip_locked=True)
                .filter(id__gt=cursor)
                .order_by("id")[:batch_size]
            )
            if not rows:
                break
            cursor = rows[-1].id
            page_ids = {row.page_id for row in rows}
            try:
                targets = indices_with_alias(client, alias_name())
                if not targets:
                    raise IndexMissing()
                targets = write_targets(client)
                documents, build_errors = _documents_or_errors(page_ids)
                errors = {**build_errors, **bulk_write(client, documents, version, targets)}
            except (*ELASTICSEARCH_ERRORS, IndexMissing) as exc:
                message = _describe(exc)
                _mark_failed(rows, dict.fromkeys(page_ids, message))
                report.failed += len(page_ids)
                report.error = message
                logger.warning("search outbox: %d pages not indexed: %s", len(page_ids), message)
                break  # the server is down or the index missing: later rows would fail the same way
            done = [row.id for row in rows if row.page_id not in errors]
            IndexOutbox.objects.filter(id__in=done).delete()
            _mark_failed([row for row in rows if row.page_id in errors], errors)
            report.synced += len(page_ids) - len(errors)
            report.failed += len(errors)
            if errors:
                report.error = next(iter(errors.values()))
    report.remaining = IndexOutbox.objects.count()
    return report


def _documents_or_errors(page_ids: set[int]) -> tuple[dict[int, dict | None], dict[int, str]]:
    """Build each page's document; a page whose document cannot be built is reported, not fatal."""
    try:
        return builders.documents_for(page_ids), {}
    except Exception:  # find the culprit(s) one by one so the other pages still go through
        documents: dict[int, dict | None] = {}
        errors: dict[int, str] = {}
        for page_id in page_ids:
            try:
                documents.update(builders.documents_for([page_id]))
            except Exception as exc:
                errors[page_id] = f"could not build the document: {exc.__class__.__name__}: {exc}"[:500]
        return documents, errors


def _mark_failed(rows: list[IndexOutbox], errors: dict[int, str]) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.last_error = errors.get(row.page_id, "")
        row.last_attempt_at = now
    IndexOutbox.objects.bulk_update(rows, ["attempts", "last_error", "last_attempt_at"])


def _describe(exc: Exception) -> str:
    if isinstance(exc, IndexMissing):
        return exc.message
    return f"Elasticsearch: {exc.__class__.__name__}: {exc}"[:500]


# --- rebuild with an alias swap -----------------------------------------------------------------


@dataclass
class RebuildReport:
    """The outcome of a rebuild."""

    index: str
    documents: int = 0
    seconds: float = 0.0
    removed: list[str] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def rebuild(
    *,
    client: Elasticsearch | None = None,
    documents: Iterable[tuple[int, dict]] | None = None,
    chunk_size: int = 250,
    on_chunk: Callable[[int], None] | None = None,
    threads: int = 2,
) -> RebuildReport:
    """Fill a new timestamped index, then point the alias at it and drop the old one(s).

    Searches keep using the old index until the atomic alias swap. Changes replayed from the
    outbox meanwhile go to both (the new index carries the "building" alias), and documents are
    versioned from the rebuild's start, so anything newer wins over what the rebuild loads.
    ``on_chunk`` is called with the number of documents sent after each bulk request (progress).
    ``threads`` bulk requests are in flight while the next chunk is built (0: build, then send).
    """
    # Bulk requests of a rebuild may take longer than a visitor's search is allowed to.
    client = (client or get_client()).options(request_timeout=REBUILD_TIMEOUT_S)
    started = timezone.now()
    version = next_version()
    clock = time.perf_counter()
    _drop_orphaned_builds(client)
    name = new_index_name()
    create_index(client, name, aliases=[building_alias_name()], bulk_load=True)
    report = RebuildReport(index=name)
    source = documents if documents is not None else builders.iter_all_documents()
    acknowledged: set[int] = set()
    try:
        for results in _bulk_pipeline(client, _actions_from(source, name, version), chunk_size, threads):
            for ok, item in results:
                action, result = next(iter(item.items()))
                if ok or _item_ok(action, result):
                    report.documents += 1
                    acknowledged.add(int(result["_id"]))
                else:
                    report.errors[int(result["_id"])] = str(result.get("error"))[:500]
            if on_chunk:
                on_chunk(report.documents)
        finish_bulk_load(client, name)
        _resend_lost(client, name, acknowledged)
        _resend_refused(client, name, report)
        report.removed = swap_alias(client, name)
    except BaseException:
        client.indices.delete(index=name, ignore_unavailable=True)
        raise
    # Rows that already failed before the rebuild began were committed before it read the
    # database, so the new index has their changes: no need to replay them.
    IndexOutbox.objects.filter(last_attempt_at__lt=started).delete()
    report.seconds = time.perf_counter() - clock
    logger.info("search index rebuilt: %s, %d documents in %.1f s", name, report.documents, report.seconds)
    return report


def _lost(client: Elasticsearch, index: str, acknowledged: set[int]) -> set[int]:
    """Acknowledged pages missing from ``index`` that should be there (not deleted or hidden since)."""
    present = {int(hit["_id"]) for hit in helpers.scan(client, index=index, query={"_source": False}, size=1000)}
    missing = acknowledged - present
    if not missing:
        return set()
    return {page_id for page_id, document in builders.documents_for(missing).items() if document is not None}


def _resend_lost(client: Elasticsearch, index: str, acknowledged: set[int]) -> None:
    """Make sure the new index holds every document Elasticsearch acknowledged, before it is swapped in.

    A rebuild loads without replicas and with an asynchronous translog (BULK_LOAD_SETTINGS): a node
    killed while holding the new index comes back without its last acknowledged writes, and the
    rebuild would otherwise swap in an index with holes. Those pages are sent again; if some are
    still missing, the rebuild fails and the old index keeps serving.
    """
    lost = _lost(client, index, acknowledged)
    if not lost:
        return
    logger.warning("search rebuild: %d acknowledged documents were lost by a node; sending them again", len(lost))
    errors = bulk_write(client, builders.documents_for(lost), next_version(), [building_alias_name()])
    client.indices.refresh(index=index)
    still = _lost(client, index, acknowledged)
    if still or errors:
        raise RebuildIncomplete()


def _resend_refused(client: Elasticsearch, index: str, report: RebuildReport) -> None:
    """Send once more what Elasticsearch refused during the load; abandon the rebuild if it still refuses some.

    A node lost mid-rebuild makes its shards refuse writes until a replica takes over or the node is
    back, so the refusals are usually gone a moment later. If some remain while an old index can keep
    serving, swapping in an index with holes would be worse than keeping it: the rebuild is abandoned
    (RebuildIncomplete). With no old index (a first build, a lost index) the new one goes in with the
    refusals reported, since something is better than nothing.
    """
    if not report.errors:
        return
    logger.warning("search rebuild: %d documents were refused; sending them again", len(report.errors))
    try:
        client.cluster.health(index=index, wait_for_status="yellow", timeout="60s")
    except ELASTICSEARCH_ERRORS as exc:  # a health call that times out answers 408; sending again still tells
        logger.info("search rebuild: the new index is not yet healthy (%s)", exc)
    still = bulk_write(client, builders.documents_for(set(report.errors)), next_version(), [building_alias_name()])
    report.documents += len(report.errors) - len(still)
    report.errors = still
    if report.errors and indices_with_alias(client, alias_name()):
        page_id, error = next(iter(report.errors.items()))
        raise RebuildIncomplete(
            f"The rebuild was abandoned: Elasticsearch refused {len(report.errors)} documents twice "
            f"(page {page_id}: {error[:200]}). The old index still serves searches; "
            "run `manage.py search_index --rebuild` again."
        )


def _bulk_pipeline(
    client: Elasticsearch, actions: Iterator[dict], chunk_size: int, in_flight: int
) -> Iterator[list[tuple[bool, dict]]]:
    """Send actions in chunks, yielding each chunk's results in order.

    Documents are built here, in the calling thread (it owns the database connection), while up
    to ``in_flight`` earlier chunks are being indexed by Elasticsearch (0: one chunk at a time).
    Elasticsearch now needs more CPU per chunk than Python does to build it (lemmas are cheap
    since they are looked up by chunk of text), so a second request in flight lets it index
    on a second write thread instead of waiting for Python: rebuilds of the bench's 3,000
    pages were faster with two than with one in each of six interleaved pairs (by 1-11%,
    about 6% on average), on this busy 2-core machine.
    """

    def send(chunk: list[dict]) -> list[tuple[bool, dict]]:
        return list(
            helpers.streaming_bulk(
                client, chunk, chunk_size=len(chunk), max_chunk_bytes=50 * 1024 * 1024, raise_on_error=False
            )
        )

    chunks = iter(lambda: list(itertools.islice(actions, chunk_size)), [])
    if in_flight <= 0:
        for chunk in chunks:
            yield send(chunk)
        return
    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="search-rebuild") as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:  # building this chunk overlaps with the requests still pending
            while len(pending) >= in_flight:
                yield pending.popleft().result()
            pending.append(pool.submit(send, chunk))
        while pending:
            yield pending.popleft().result()


def _actions_from(source: Iterable[tuple[int, dict]], index: str, version: int) -> Iterator[dict]:
    for page_id, document in source:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": str(page_id),
            "version": version,
            "version_type": "external",
            "_source": document,
        }


def swap_alias(client: Elasticsearch, new_index: str) -> list[str]:
    """Point the alias at ``new_index`` only, in one atomic call; delete the indices it leaves."""
    alias, building = alias_name(), building_alias_name()
    old = [name for name in indices_with_alias(client, alias) if name != new_index]
    actions: list[dict] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new_index, "alias": alias}})
    actions.append({"remove": {"index": new_index, "alias": building}})
    client.indices.update_aliases(actions=actions)
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    return old


def _drop_orphaned_builds(client: Elasticsearch) -> None:
    """Remove indices left by a rebuild that died before its swap (building alias, no live alias)."""
    live = set(indices_with_alias(client, alias_name()))
    for name in indices_with_alias(client, building_alias_name()):
        if name not in live:
            logger.warning("removing %s, left behind by an interrupted rebuild", name)
            client.indices.delete(index=name, ignore_unavailable=True)


def document_count(client: Elasticsearch | None = None) -> int | None:
    """Documents behind the alias, or None when the alias does not exist."""
    client = client or get_client()
    if not indices_with_alias(client, alias_name()):
        return None
    return int(client.count(index=alias_name())["count"])
