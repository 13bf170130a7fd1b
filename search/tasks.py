"""Background work of the search app: the index outbox (queued inside a change's transaction, replayed
by a task) and lifting embargoes. What writes to Elasticsearch is search.indexing; this module calls
it, never the other way round."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from salam.content import content_types
from search import indexing
from search.models import IndexOutbox, SearchState

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
MAX_RETRY_DELAY = datetime.timedelta(minutes=15)
RETRY_STATE = "outbox_retry_at"
SWEEP_STATE = "embargo_sweep_next"


# --- queueing (called from signal receivers, inside the change's transaction) -------------------


def queue_pages(page_ids: Iterable[int], action: str = IndexOutbox.Action.INDEX) -> int:
    """Record that these pages must be (re)indexed or removed, and replay once the change commits."""
    ids = sorted({int(pid) for pid in page_ids})
    if not ids:
        return 0
    IndexOutbox.objects.bulk_create([IndexOutbox(page_id=pid, action=action) for pid in ids])
    transaction.on_commit(_enqueue_replay)
    return len(ids)


def _enqueue_replay() -> None:
    # A transaction that touched many pages registers many callbacks; once a replay has run, the
    # rest have nothing new to do (rows that failed wait for the retry or the periodic replay).
    if not IndexOutbox.objects.filter(attempts=0).exists():
        return

    try:
        process_outbox.enqueue()
    except Exception:  # the rows are saved; the periodic replay will pick them up
        logger.exception("could not enqueue the search outbox replay")


def _defer(task_obj, key: str, when: datetime.datetime) -> bool:
    """Enqueue ``task_obj`` to run at ``when`` unless one is already scheduled for the future."""
    backend = task_obj.get_backend()
    if not backend.supports_defer:
        return False
    state, _ = SearchState.objects.get_or_create(key=key)
    scheduled = state.value.get("at")
    if scheduled and datetime.datetime.fromisoformat(scheduled) > timezone.now():
        return False
    task_obj.using(run_after=when).enqueue()
    state.value = {"at": when.isoformat()}
    state.save(update_fields=["value", "updated"])
    return True


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait before replaying rows that failed ``attempts`` times: 1, 2, 4, 8, then 15 minutes."""
    if attempts <= 1:
        return FIRST_RETRY_DELAY
    # Capped before the power is taken, so a row that failed for weeks cannot overflow the delay.
    return min(FIRST_RETRY_DELAY * 2 ** min(attempts - 1, 10), MAX_RETRY_DELAY)


def schedule_outbox_retry() -> bool:
    """If index operations are still pending, queue a replay after a delay that grows with their failures."""
    if not IndexOutbox.objects.exists():
        return False
    oldest_failing = IndexOutbox.objects.filter(attempts__gt=0).order_by("created", "id").first()
    attempts = oldest_failing.attempts if oldest_failing else 0
    return _defer(process_outbox, RETRY_STATE, timezone.now() + retry_delay(attempts))


@task()
def process_outbox() -> dict:
    """Replay pending index operations; whatever is left (even after a crash) is tried again later."""
    try:
        report = indexing.replay_outbox()
    finally:
        # In a finally: a replay that raised (e.g. "database is locked") leaves its rows behind
        # and must not leave them waiting for the next change. A retry that cannot be scheduled
        # is not fatal either: the periodic replay (salam.periodic) picks the rows up.
        try:
            schedule_outbox_retry()
        except Exception:
            logger.exception("could not schedule a retry of the search outbox replay")
    return report.as_dict()


def next_sweep_time(now: datetime.datetime | None = None) -> datetime.datetime:
    """Five minutes past the next local midnight (embargoes end at the start of a day)."""
    local = timezone.localtime(now or timezone.now())
    tomorrow = (local + datetime.timedelta(days=1)).replace(hour=0, minute=5, second=0, microsecond=0)
    return tomorrow


def schedule_embargo_sweep() -> bool:
    """Make sure tomorrow's embargo sweep is queued (needs a backend that can defer tasks)."""
    return _defer(lift_embargoes, SWEEP_STATE, next_sweep_time())


@task()
def lift_embargoes() -> int:
    """Daily: re-index publications whose embargo ended since the last run, then schedule the next run."""
    count = queue_lifted_embargoes()
    SearchState.objects.filter(key=SWEEP_STATE).delete()
    schedule_embargo_sweep()
    return count


# --- embargoes ----------------------------------------------------------------------------------

EMBARGO_STATE = "embargo_sweep"


def queue_lifted_embargoes(today: datetime.date | None = None) -> int:
    """Queue pages whose embargo ended since the last sweep (their full text becomes searchable)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        state, _ = SearchState.objects.select_for_update().get_or_create(key=EMBARGO_STATE)
        through = state.value.get("through")
        count = 0
        for registration in content_types():
            field = registration.embargo_field
            if not field:
                continue
            pages = registration.model.objects.live().filter(**{f"{field}__lte": today})
            if through:
                pages = pages.filter(**{f"{field}__gt": datetime.date.fromisoformat(through)})
            count += queue_pages(pages.values_list("pk", flat=True))
        state.value = {"through": today.isoformat()}
        state.save(update_fields=["value", "updated"])
    if count:
        logger.info("embargo lifted on %d pages; queued for re-indexing", count)
    return count
