"""Tasks whose worker died: requeued, or failed with the reason, instead of "running" for ever.

django_tasks_db claims a task by marking it RUNNING with the worker's id and never looks at it
again: a worker killed mid-task (SIGKILL, out of memory, a lost machine) leaves it RUNNING for
ever, and nothing runs it. Workers started by scripts/worker are named "<host>:<pid>", so on the
same machine a dead worker is known at once; a worker on another machine (or named otherwise)
is taken for dead once its task has run longer than TASK_WORKER_LOST_AFTER_S. The periodic job
`requeue_lost_tasks` (salam.periodic) calls ``requeue_lost_tasks``.

Staff see every task result, and retry failed ones, in the admin's "Background tasks" report
(salam.background_tasks), which reads and changes them through ``task_results`` and ``retry_failed_task``.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Tries, counting the first: a task that takes its worker down each time (a hostile PDF that
# exhausts memory) must not do so for ever.
MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """The worker running a task stopped before it finished (recorded in its task result)."""


@dataclass
class RequeueReport:
    """What one sweep for lost tasks did."""

    requeued: int = 0
    failed: int = 0

    def summary(self) -> str:
        """One line for the periodic job's log."""
        return f"{self.requeued} tasks of dead workers queued again, {self.failed} failed after {MAX_ATTEMPTS} tries"


def worker_alive(worker_id: str) -> bool | None:
    """True/False for a "<host>:<pid>" worker on this machine; None when this machine cannot tell."""
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def requeue_lost_tasks(now: datetime.datetime | None = None) -> RequeueReport:
    """Queue again every RUNNING task whose worker is dead; fail it with the reason after MAX_ATTEMPTS."""
    now = now or timezone.now()
    lost_after = datetime.timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_S)
    report = RequeueReport()
    with transaction.atomic():
        # skip_locked: a worker finishing the task right now holds its row; it is not lost.
        for result in DBTaskResult.objects.running().select_for_update(skip_locked=True):
            worker = result.worker_ids[-1] if result.worker_ids else ""
            alive = worker_alive(worker)
            if alive or (alive is None and result.started_at and result.started_at > now - lost_after):
                continue
            attempts = len(result.worker_ids)
            if attempts >= MAX_ATTEMPTS:
                result.status = "FAILED"
                result.finished_at = now
                result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                result.traceback = (
                    f"WorkerLost: the worker {worker!r} stopped while running this task "
                    f"(try {attempts} of {MAX_ATTEMPTS}); it is not tried again.\n"
                )
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                report.failed += 1
                logger.error(
                    "task %s (%s) failed: its worker %s died %d times", result.pk, result.task_path, worker, attempts
                )
            else:
                result.status = "READY"
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                report.requeued += 1
                logger.warning("task %s (%s) queued again: its worker %s died", result.pk, result.task_path, worker)
    return report


# --- the admin's report: listing and retrying -----------------------------------------------------


def task_results(status: str = "") -> QuerySet[DBTaskResult]:
    """Task results, newest first; only those with ``status`` (a TaskResultStatus value) when given."""
    results = DBTaskResult.objects.order_by("-enqueued_at", "-pk")
    return results.filter(status=status) if status else results


def status_counts() -> dict[str, int]:
    """How many task results have each status (every status present, zero when none)."""
    counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in TaskResultStatus.values}


def failure_reason(traceback: str) -> str:
    """The line of a stored traceback that says what went wrong: its last one ("ValueError: ...")."""
    lines = [line.strip() for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def retry_failed_task(task_id: uuid.UUID, *, by: str = "") -> bool:
    """Queue a failed task again, as the same result row; False when it is not failed (so a second click does nothing).

    Raises DBTaskResult.DoesNotExist for an unknown id. Its worker history stays, so the attempts a
    dead worker used up still count against MAX_ATTEMPTS.
    """
    with transaction.atomic():
        # Locked: two staff clicking at once, or a worker sweeping, must not both requeue it.
        result = DBTaskResult.objects.select_for_update().get(pk=task_id)
        if result.status != TaskResultStatus.FAILED:
            return False
        reason = failure_reason(result.traceback)
        result.status = TaskResultStatus.READY
        result.started_at = None
        result.finished_at = None
        result.return_value = None
        result.exception_class_path = ""
        result.traceback = ""
        result.save(
            update_fields=["status", "started_at", "finished_at", "return_value", "exception_class_path", "traceback"]
        )
    logger.warning("task %s (%s) queued again by %s after it failed: %s", task_id, result.task_path, by, reason)
    return True
