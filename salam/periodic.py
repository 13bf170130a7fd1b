"""The periodic jobs of the hub, in one list, run by `manage.py run_periodic_jobs`.

The list is filled by registration: this module adds the site's own jobs and those that call other
apps' management commands by name; `search` and `publications` add theirs with ``register_job``
from their ``AppConfig.ready()``, so this bottom layer imports none of them.

Cron (or a systemd timer) starts the runner every five minutes, or `make run` keeps it looping.
Each job runs only when due: every run, hourly or daily, judged from when it last started
(``PeriodicJobRun``), so the cron frequency does not change how often the heavy jobs run. A job
that failed is due again on the next run. One job failing never stops the others.
"""

from __future__ import annotations

import datetime
import io
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from salam.models import PeriodicJobRun

logger = logging.getLogger(__name__)

EVERY_RUN = datetime.timedelta(0)
HOURLY = datetime.timedelta(hours=1)
DAILY = datetime.timedelta(days=1)
# Cron starts the runner a few seconds early or late; without this an hourly job would run every
# 65 minutes (the first run after the full hour) when cron runs every five.
EARLY_BY = datetime.timedelta(minutes=1)
# A job started and not finished is taken to be running in another process for this long; after
# that its runner must have died, and the job is run again.
RUNNING_FOR_AT_MOST = datetime.timedelta(hours=1)
MESSAGE_CHARS = 2000

# Where in a run a job goes. Publishing and the embargo sweep queue index operations that the
# outbox replay right after them sends to Elasticsearch in the same run; the other jobs follow,
# the frequent ones first (every run, hourly, daily), each group in the order it was registered
# (this module's jobs first, then the apps' in INSTALLED_APPS order).
QUEUES_INDEX_WORK = 0
SENDS_INDEX_WORK = 1
OTHER = 2


class JobFailed(Exception):
    """A job ran but left something undone; the message says what."""


@dataclass(frozen=True)
class PeriodicJob:
    """One periodic job: what it is called, what it does, how often, and the function that does it."""

    name: str
    description: str
    interval: datetime.timedelta
    run: Callable[[], str]  # returns a one-line summary; raises when it failed
    phase: int = OTHER

    @property
    def interval_text(self) -> str:
        """The interval in words ("every run", "hourly", "daily", "every 30 minutes")."""
        words = {EVERY_RUN: "every run", HOURLY: "hourly", DAILY: "daily"}
        return words.get(self.interval) or f"every {int(self.interval.total_seconds() // 60)} minutes"


@dataclass
class JobOutcome:
    """How one job's turn in a run ended."""

    job: PeriodicJob
    status: Literal["ok", "failed", "skipped"]
    message: str
    seconds: float = 0.0


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _command(name: str, *args: str) -> str:
    """Run a management command quietly and return its last line of output (its summary)."""
    out, err = io.StringIO(), io.StringIO()  # err: the progress bars, not wanted in a summary
    call_command(name, *args, stdout=out, stderr=err)
    return _last_line(out.getvalue())


# --- the jobs -------------------------------------------------------------------------------------


def publish_scheduled() -> str:
    """Publish revisions whose go-live time has come and unpublish pages past their expiry."""
    from wagtail.models import Page, Revision

    now = timezone.now()
    due = Revision.objects.filter(approved_go_live_at__lt=now).count()
    expired = Page.objects.filter(live=True, expire_at__lt=now).count()
    _command("publish_scheduled")
    return f"{due} scheduled revisions published, {expired} expired pages unpublished."


def requeue_lost_tasks() -> str:
    """Queue again the tasks whose worker died mid-task (or fail them after three tries)."""
    from salam import workers

    return workers.requeue_lost_tasks().summary() + "."


def send_lecture_reminders() -> str:
    """Send the day-before lecture reminders that are due."""
    return _command("send_lecture_reminders")


def purge_rate_counters() -> str:
    """Delete the rate-limit counters that have expired."""
    from django.core.cache import caches

    return f"{caches['ratelimit'].purge_expired()} expired rate-limit counters deleted."


def purge_lecture_registrations() -> str:
    """Delete registrants' personal data past the retention period."""
    return _command("purge_lecture_registrations")


def send_alert_digests() -> str:
    """Send the email alerts' digests due in this period (once each, however often this runs)."""
    return _command("send_alert_digests")


def purge_alert_subscriptions() -> str:
    """Delete stopped email alerts and those never confirmed."""
    return _command("purge_alert_subscriptions")


_registered: list[PeriodicJob] = []
# Every registered job in the order they run (see the phases above); filled by register_job.
JOBS: tuple[PeriodicJob, ...] = ()


def register_job(job: PeriodicJob) -> None:
    """Add a periodic job (an app calls this from its ``ready()``); a second job of the same name is an error."""
    global JOBS
    same = next((known for known in _registered if known.name == job.name), None)
    if same == job:
        return  # ready() run again (a test that reloads the apps)
    if same is not None:
        raise ValueError(f"Two periodic jobs are called {job.name!r}: {same.run!r} and {job.run!r}.")
    _registered.append(job)
    JOBS = tuple(sorted(_registered, key=lambda known: (known.phase, known.interval)))  # stable sort


for _job in (
    PeriodicJob(
        "publish_scheduled",
        "Publish pages whose scheduled go-live time has come, unpublish expired ones (Wagtail).",
        EVERY_RUN,
        publish_scheduled,
        QUEUES_INDEX_WORK,
    ),
    PeriodicJob(
        "requeue_lost_tasks",
        "Queue again tasks whose worker died while running them; fail them, with the reason, after 3 tries.",
        EVERY_RUN,
        requeue_lost_tasks,
    ),
    PeriodicJob(
        "send_lecture_reminders",
        "Email the day-before reminder to each lecture registrant, once.",
        EVERY_RUN,
        send_lecture_reminders,
    ),
    PeriodicJob(
        "purge_rate_counters",
        "Delete expired rate-limit counters.",
        HOURLY,
        purge_rate_counters,
    ),
    PeriodicJob(
        "purge_lecture_registrations",
        "Delete registrants' personal data past LECTURE_PERSONAL_DATA_RETENTION_DAYS.",
        DAILY,
        purge_lecture_registrations,
    ),
    PeriodicJob(
        "send_alert_digests",
        "Email each confirmed alert its daily or weekly digest of new publications and lectures, once per period.",
        HOURLY,
        send_alert_digests,
    ),
    PeriodicJob(
        "purge_alert_subscriptions",
        "Delete stopped email alerts and those not confirmed within ALERTS_CONFIRM_DAYS.",
        DAILY,
        purge_alert_subscriptions,
    ),
):
    register_job(_job)


def job_names() -> list[str]:
    """The names of every periodic job, in the order they run."""
    return [job.name for job in JOBS]


def jobs_named(names: Iterable[str] | None) -> list[PeriodicJob]:
    """The jobs with these names, in the order they run (all when ``names`` is None); KeyError for others."""
    if names is None:
        return list(JOBS)
    wanted = set(names)
    unknown = sorted(wanted - set(job_names()))
    if unknown:
        raise KeyError(", ".join(unknown))
    return [job for job in JOBS if job.name in wanted]


# --- running them ---------------------------------------------------------------------------------


def is_running(record: PeriodicJobRun | None, now: datetime.datetime) -> bool:
    """True while another process seems to be running the job (started, not finished, not for too long)."""
    if record is None or record.last_started is None:
        return False
    if record.last_finished is not None and record.last_finished >= record.last_started:
        return False
    return now - record.last_started < RUNNING_FOR_AT_MOST


def next_due(job: PeriodicJob, record: PeriodicJobRun | None) -> datetime.datetime | None:
    """When the job is next due; None when it is due now (never ran, failed, or never finished)."""
    if record is None or record.last_started is None or record.last_ok is False or not job.interval:
        return None
    if record.last_finished is None or record.last_finished < record.last_started:
        return None  # its runner died (is_running says whether it may still be at work)
    return record.last_started + job.interval - EARLY_BY


def _claim(job: PeriodicJob, now: datetime.datetime, force: bool) -> str:
    """Mark the job started if it is due and nobody else runs it; returns why not, or ""."""
    with transaction.atomic():
        # The row lock makes two runners started at once (two cron hosts, cron and `make run`)
        # agree on which of them runs the job.
        record, _ = PeriodicJobRun.objects.select_for_update().get_or_create(name=job.name)
        if not force:
            if is_running(record, now):
                return f"running elsewhere since {timezone.localtime(record.last_started):%Y-%m-%d %H:%M:%S}"
            due = next_due(job, record)
            if due is not None and due > now:
                return f"not due until {timezone.localtime(due):%Y-%m-%d %H:%M}"
        record.last_started = now
        record.save(update_fields=["last_started"])
    return ""


def _record(job: PeriodicJob, ok: bool, message: str) -> None:
    try:
        PeriodicJobRun.objects.filter(name=job.name).update(
            last_finished=timezone.now(), last_ok=ok, last_message=message[:MESSAGE_CHARS]
        )
    except DatabaseError:  # the database is what failed; the log has the outcome
        logger.exception("could not record the outcome of periodic job %s", job.name)


def run_job(job: PeriodicJob, *, force: bool = False) -> JobOutcome:
    """Run one job if it is due (always with ``force``), record how it ended, and never raise for its failure."""
    try:
        skipped = _claim(job, timezone.now(), force)
    except DatabaseError as exc:
        logger.exception("periodic job %s: could not check whether it is due", job.name)
        return JobOutcome(job, "failed", f"could not check whether it is due: {exc}")
    if skipped:
        return JobOutcome(job, "skipped", skipped)
    clock = time.perf_counter()
    try:
        message = job.run()
    except JobFailed as exc:
        outcome = JobOutcome(job, "failed", str(exc))
        logger.error("periodic job %s failed: %s", job.name, exc)
    except Exception as exc:
        outcome = JobOutcome(job, "failed", f"{exc.__class__.__name__}: {exc}")
        logger.exception("periodic job %s failed", job.name)
    except BaseException:
        # Stopped (Ctrl-C, SIGTERM in the loop): say so, so the job is not taken to be running elsewhere.
        _record(job, False, "interrupted before it finished")
        raise
    else:
        outcome = JobOutcome(job, "ok", message)
        # DEBUG: the command prints each outcome; failures are logged (with the traceback) above.
        logger.debug("periodic job %s: %s", job.name, message)
    outcome.seconds = time.perf_counter() - clock
    _record(job, outcome.status == "ok", outcome.message)
    return outcome


def last_runs() -> dict[str, PeriodicJobRun]:
    """The recorded runs of every job that has run, by name."""
    return {record.name: record for record in PeriodicJobRun.objects.all()}
