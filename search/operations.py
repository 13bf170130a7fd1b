"""What search hands the hub's operations (from SearchConfig.ready()): the search index's periodic jobs."""

from __future__ import annotations

from salam.periodic import EVERY_RUN, HOURLY, QUEUES_INDEX_WORK, SENDS_INDEX_WORK, JobFailed, PeriodicJob, register_job
from search import indexing, status, tasks


def lift_embargoes() -> str:
    """Queue for re-indexing the publications whose embargo ended since the last sweep."""
    return f"{tasks.queue_lifted_embargoes()} publications queued for re-indexing (embargo ended)."


def replay_outbox() -> str:
    """Replay every pending index operation, whatever happened to the tasks meant to do it."""
    report = indexing.replay_outbox()
    summary = f"{report.synced} pages synced, {report.failed} failed, {report.remaining} still pending."
    if report.failed:
        raise JobFailed(f"{summary} {report.error}")
    return summary


def check_search_index() -> str:
    """Compare every document with the database and re-index what is wrong."""
    before = status.status(deep=True)
    if before.ok:
        return f"The index is up to date ({sum(before.index.values())} documents)."
    if not before.indices:
        raise JobFailed(f"{before.problems[0]} Run `manage.py search_index --rebuild`.")
    repaired = status.repair(before)
    if not repaired.ok:
        raise JobFailed(f"{repaired.summary()} Still wrong: {' '.join(repaired.after.problems)}")
    return repaired.summary()


JOBS = (
    PeriodicJob(
        "lift_embargoes",
        "Queue publications whose embargo ended, so their full text becomes searchable.",
        EVERY_RUN,
        lift_embargoes,
        QUEUES_INDEX_WORK,
    ),
    PeriodicJob(
        "replay_outbox",
        "Send index operations still waiting in the outbox (Elasticsearch was down, a task was lost).",
        EVERY_RUN,
        replay_outbox,
        SENDS_INDEX_WORK,
    ),
    PeriodicJob(
        "check_search_index",
        "Compare every search document with the database and re-index what is wrong (search_index --check --repair).",
        HOURLY,
        check_search_index,
    ),
)


def register() -> None:
    """Add the search jobs to the hub's periodic jobs."""
    for job in JOBS:
        register_job(job)
