"""Background work of the search app: replaying the index outbox and lifting embargoes."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from search import indexing
from search.models import SearchState

logger = logging.getLogger(__name__)

RETRY_DELAY = datetime.timedelta(minutes=1)
RETRY_STATE = "outbox_retry_at"
SWEEP_STATE = "embargo_sweep_next"


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


@task()
def process_outbox() -> dict:
    """Replay pending index operations; if some failed (Elasticsearch down), try again in a minute."""
    report = indexing.replay_outbox()
    if report.remaining:
        _defer(process_outbox, RETRY_STATE, timezone.now() + RETRY_DELAY)
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
    count = indexing.lift_embargoes()
    SearchState.objects.filter(key=SWEEP_STATE).delete()
    schedule_embargo_sweep()
    return count
