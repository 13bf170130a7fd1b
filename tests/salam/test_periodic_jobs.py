"""`manage.py run_periodic_jobs`: every periodic job from one command, each only when due, failures recorded."""

import datetime
import io
import os
import signal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from publications.models import ExtractionStatus, PdfExtraction
from salam import periodic
from salam.models import PeriodicJobRun, RateCounter
from search import indexing
from search.faceted import run_search
from search.models import IndexOutbox
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = pytest.mark.django_db

DEAD_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
WITHOUT_ELASTICSEARCH = [
    "--only",
    "lift_embargoes",
    "--only",
    "purge_rate_counters",
    "--only",
    "purge_lecture_registrations",
]


class Run:
    """What one invocation printed, and how it ended."""

    def __init__(self, *args: str) -> None:
        out, err = io.StringIO(), io.StringIO()
        self.error: CommandError | None = None
        try:
            call_command("run_periodic_jobs", *args, stdout=out, stderr=err)
        except CommandError as exc:
            self.error = exc
        self.output = out.getvalue()
        self.lines = {line.split(":", 1)[0]: line for line in self.output.splitlines() if ":" in line}

    def outcome(self, name: str) -> str:
        """ "ok", "skipped" or "FAILED"."""
        return self.lines[name].split(":", 1)[1].split()[0].rstrip(",")


def record(name: str) -> PeriodicJobRun:
    return PeriodicJobRun.objects.get(name=name)


def started_ago(name: str, delta: datetime.timedelta) -> None:
    """Pretend the job last ran (and finished) ``delta`` ago."""
    then = timezone.now() - delta
    PeriodicJobRun.objects.filter(name=name).update(last_started=then, last_finished=then + datetime.timedelta(1e-3))


@pytest.mark.elasticsearch
def test_one_run_does_every_job(site_root, search_index):
    # Work left for the periodic jobs: a page scheduled to go live an hour ago, a PDF whose worker
    # died while reading it, and an expired rate-limit counter.
    page = factories.publication(site_root, "Scheduled study of wage theft", live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # scheduled, not live
    past = timezone.now() - datetime.timedelta(hours=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    type(page).objects.filter(pk=page.pk).update(go_live_at=past)
    stuck = factories.publication(site_root, "Study whose PDF got stuck", pages=["Unpaid wages in Doha."])
    PdfExtraction.objects.filter(document=stuck.pdf).update(
        status=ExtractionStatus.RUNNING, attempts=1, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    RateCounter.objects.create(key="expired", count=3, expires=timezone.now() - datetime.timedelta(minutes=1))

    run = Run()
    assert run.error is None, run.output
    assert [line.split(":")[0] for line in run.output.splitlines()] == periodic.job_names()  # one line per job
    assert all(run.outcome(name) == "ok" for name in periodic.job_names()), run.output
    assert "1 scheduled revisions published" in run.lines["publish_scheduled"]
    assert "1 interrupted extractions queued again" in run.lines["sweep_stuck_extractions"]
    assert "0 tasks of dead workers queued again" in run.lines["requeue_lost_tasks"]
    assert "1 expired rate-limit counters deleted" in run.lines["purge_rate_counters"]
    assert "The index is up to date" in run.lines["check_search_index"]
    # Published, and indexed by the outbox replay of the same run; the PDF was read again.
    page.refresh_from_db()
    assert page.live
    indexing.refresh()
    assert [hit.page_id for hit in run_search(SearchParams(q="wage theft")).hits] == [page.pk]
    assert IndexOutbox.objects.count() == 0
    assert PdfExtraction.objects.get(document=stuck.pdf).status == ExtractionStatus.DONE
    assert not RateCounter.objects.exists()
    for name in periodic.job_names():
        job = record(name)
        assert job.last_ok is True and job.last_started <= job.last_finished and job.last_message


def test_hourly_and_daily_jobs_run_only_when_due():
    first = Run(*WITHOUT_ELASTICSEARCH)
    assert [first.outcome(n) for n in ("lift_embargoes", "purge_rate_counters", "purge_lecture_registrations")] == [
        "ok",
        "ok",
        "ok",
    ]
    again = Run(*WITHOUT_ELASTICSEARCH)
    assert again.outcome("lift_embargoes") == "ok"  # every run
    assert again.outcome("purge_rate_counters") == "skipped" and "not due until" in again.lines["purge_rate_counters"]
    assert again.outcome("purge_lecture_registrations") == "skipped"

    # Cron starts a little early or late: 59.5 minutes after the last start counts as an hour.
    started_ago("purge_rate_counters", datetime.timedelta(minutes=59, seconds=30))
    started_ago("purge_lecture_registrations", datetime.timedelta(hours=23))
    later = Run(*WITHOUT_ELASTICSEARCH)
    assert later.outcome("purge_rate_counters") == "ok"
    assert later.outcome("purge_lecture_registrations") == "skipped"
    started_ago("purge_lecture_registrations", datetime.timedelta(hours=24))
    assert Run(*WITHOUT_ELASTICSEARCH).outcome("purge_lecture_registrations") == "ok"

    forced = Run("--force", *WITHOUT_ELASTICSEARCH)
    assert all(forced.outcome(n) == "ok" for n in ("purge_rate_counters", "purge_lecture_registrations"))


def test_only_runs_the_named_jobs():
    run = Run("--only", "purge_rate_counters")
    assert list(run.lines) == ["purge_rate_counters"]
    assert list(PeriodicJobRun.objects.values_list("name", flat=True)) == ["purge_rate_counters"]


@pytest.mark.elasticsearch
def test_a_failing_job_is_recorded_and_the_others_still_run(settings, monkeypatch, search_index):
    from publications import services

    live_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = DEAD_URL
    IndexOutbox.objects.create(page_id=123, action="index")

    def crash(**kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services, "sweep_stuck_extractions", crash)
    run = Run()
    assert run.error is not None and run.error.returncode == 1
    names = "replay_outbox, sweep_stuck_extractions, check_search_index"
    assert f"3 of {len(periodic.JOBS)} periodic jobs failed: {names}" in str(run.error)
    failed = {"replay_outbox", "sweep_stuck_extractions", "check_search_index"}
    for name in periodic.job_names():
        assert run.outcome(name) == ("FAILED" if name in failed else "ok"), run.output
        assert record(name).last_ok is (name not in failed)
    assert "ConnectionError" in record("replay_outbox").last_message
    assert "1 failed, 1 still pending" in record("replay_outbox").last_message
    assert record("sweep_stuck_extractions").last_message == "RuntimeError: database is locked"
    assert "ConnectionError" in record("check_search_index").last_message

    # A failed job is due again on the next run, although it is an hourly one.
    settings.ELASTICSEARCH_URL = live_url
    monkeypatch.undo()
    run = Run("--only", "check_search_index", "--only", "replay_outbox", "--only", "purge_rate_counters")
    assert run.error is None, run.output
    assert run.outcome("check_search_index") == "ok" and run.outcome("replay_outbox") == "ok"
    assert run.outcome("purge_rate_counters") == "skipped"  # it did not fail: an hour to wait


def test_a_job_another_runner_is_doing_is_skipped():
    now = timezone.now()
    PeriodicJobRun.objects.create(
        name="lift_embargoes",
        last_started=now - datetime.timedelta(minutes=5),
        last_finished=now - datetime.timedelta(minutes=10),
        last_ok=True,
    )
    run = Run("--only", "lift_embargoes")
    assert run.outcome("lift_embargoes") == "skipped" and "running elsewhere" in run.lines["lift_embargoes"]
    assert "running or interrupted" in Run("--list", "--only", "lift_embargoes").output
    # A runner that died long ago does not keep the job from running; --force never waits.
    assert Run("--only", "lift_embargoes", "--force").outcome("lift_embargoes") == "ok"
    PeriodicJobRun.objects.filter(name="lift_embargoes").update(
        last_started=now - datetime.timedelta(hours=2), last_finished=now - datetime.timedelta(hours=3)
    )
    assert Run("--only", "lift_embargoes").outcome("lift_embargoes") == "ok"


def test_a_job_stopped_midway_says_so():
    def interrupted() -> str:
        raise KeyboardInterrupt

    job = periodic.PeriodicJob("stopped", "A job stopped by Ctrl-C.", periodic.DAILY, interrupted)
    with pytest.raises(KeyboardInterrupt):
        periodic.run_job(job)
    stopped = record("stopped")
    assert stopped.last_ok is False and stopped.last_message == "interrupted before it finished"
    assert periodic.next_due(job, stopped) is None  # due again at once


def test_list_shows_the_jobs_intervals_and_last_runs():
    Run("--only", "purge_rate_counters")
    output = Run("--list").output
    for job in periodic.JOBS:
        assert f"{job.name} ({job.interval_text}): {job.description}" in output
    assert "check_search_index (hourly)" in output and "purge_lecture_registrations (daily)" in output
    assert "publish_scheduled (every run)" in output
    assert "never run" in output
    assert "last run" in output and "ok: 0 expired rate-limit counters deleted." in output
    assert not PeriodicJobRun.objects.exclude(name="purge_rate_counters").exists()  # --list runs nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--only", "nope"), "No periodic job is called nope. The jobs are: publish_scheduled, "),
        (("--only", "lift_embargoes", "--only", "Lift_Embargoes"), "No periodic job is called Lift_Embargoes"),
        (("--every", "abc"), "argument --every: a whole number of seconds from 1 to 86400 is needed, not 'abc'"),
        (("--every", "0"), "not '0'"),
        (("--every", "-5"), "not '-5'"),
        (("--every", "1.5"), "not '1.5'"),
        (("--every", "٣٠٠"), "not '٣٠٠'"),  # Arabic-Indic digits: int() takes them, we do not
        (("--every", "86401"), "not '86401'"),
        (("--every",), "expected one argument"),
        (("--list", "--force"), "--list only shows the jobs"),
        (("--list", "--every", "60"), "--list only shows the jobs"),
        (("--force", "--every", "60"), "--force runs the jobs once"),
        (("--bogus",), "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        call_command("run_periodic_jobs", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not PeriodicJobRun.objects.exists()  # nothing ran


# The loop closes its database connection between rounds, which a test inside a transaction cannot survive.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loop_runs_the_due_jobs_every_round_until_sigterm(monkeypatch):
    from salam.management.commands import run_periodic_jobs

    rounds = []

    def sleep(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # as `scripts/worker stop` does

    monkeypatch.setattr(run_periodic_jobs.time, "sleep", sleep)
    before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    call_command(
        "run_periodic_jobs", "--every", "300", "--only", "lift_embargoes", "--only", "purge_rate_counters", stdout=out
    )
    output = out.getvalue()
    assert len(rounds) == 2 and all(0 < seconds <= 300 for seconds in rounds)
    assert "Running the periodic jobs every 300 s" in output and output.rstrip().endswith("Stopped.")
    assert output.count("lift_embargoes: ok") == 2  # every run
    assert output.count("purge_rate_counters: ok") == 1 and output.count("purge_rate_counters: skipped") == 1
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sigterm_during_a_job_lets_it_finish_then_stops(monkeypatch):
    from salam.management.commands import run_periodic_jobs

    def long_job() -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the job is under way
        return "finished although asked to stop"

    def sleep(seconds: float) -> None:
        raise AssertionError("the loop should have stopped, not slept")

    long = periodic.PeriodicJob("long", "A job that takes a while.", periodic.EVERY_RUN, long_job)
    monkeypatch.setattr(periodic, "JOBS", (long, *periodic.JOBS))
    monkeypatch.setattr(run_periodic_jobs.time, "sleep", sleep)
    out = io.StringIO()
    call_command("run_periodic_jobs", "--every", "60", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("long: ok") and "finished although asked to stop" in line for line in lines)
    assert not any(line.startswith("publish_scheduled") for line in lines)  # the next job never started
    assert lines[-1] == "Stopped."
    assert record("long").last_ok is True


# --- the registry: each app adds its own jobs, salam imports none of them ------------------------

EVERY_JOB = {
    "publish_scheduled",
    "lift_embargoes",
    "replay_outbox",
    "requeue_lost_tasks",
    "sweep_stuck_extractions",
    "send_lecture_reminders",
    "check_search_index",
    "purge_rate_counters",
    "purge_lecture_registrations",
    "send_alert_digests",
    "purge_alert_subscriptions",
}


def test_every_app_registered_its_jobs_and_index_work_is_queued_before_it_is_sent():
    from publications import operations as publication_operations
    from search import operations as search_operations

    names = periodic.job_names()
    assert set(names) == EVERY_JOB and len(names) == len(EVERY_JOB)
    assert set(search_operations.JOBS) | set(publication_operations.JOBS) <= set(periodic.JOBS)
    # Publishing and the embargo sweep queue index operations; the outbox replay sends them in the same run.
    assert names[:3] == ["publish_scheduled", "lift_embargoes", "replay_outbox"]
    later = [job.interval for job in periodic.JOBS[3:]]
    assert later == sorted(later)  # then every run, hourly, daily


def test_a_second_job_of_the_same_name_is_refused_and_the_same_job_twice_is_one(monkeypatch):
    monkeypatch.setattr(periodic, "_registered", list(periodic._registered))
    monkeypatch.setattr(periodic, "JOBS", periodic.JOBS)
    before = periodic.JOBS
    periodic.register_job(before[0])  # an app's ready() run again
    assert before == periodic.JOBS

    impostor = periodic.PeriodicJob("replay_outbox", "Something else.", periodic.EVERY_RUN, lambda: "done")
    with pytest.raises(ValueError, match="Two periodic jobs are called 'replay_outbox'"):
        periodic.register_job(impostor)
    assert before == periodic.JOBS

    first = periodic.PeriodicJob("first", "Queues index work.", periodic.DAILY, lambda: "", periodic.QUEUES_INDEX_WORK)
    periodic.register_job(first)
    names = periodic.job_names()
    assert names.index("first") < names.index("replay_outbox")  # daily, yet before the replay
    assert [job for job in periodic.JOBS if job != first] == list(before)
