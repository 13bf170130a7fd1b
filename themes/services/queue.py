"""Tagging work in the background: one page after its text changed, every page once after a burst of
vocabulary edits. The tasks live here beside the code that queues them (themes/tasks.py names them
for workers), so queueing never has to import back up."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from themes.exceptions import NotTaggable
from themes.services import tagging

logger = logging.getLogger(__name__)

#: Cache key marking that a retag of every page is queued and has not started yet.
RETAG_ALL_PENDING_KEY = "themes:retag-all-pending"


def retag_debounce_seconds() -> int:
    """How long a vocabulary change waits before retagging, so a burst of edits costs one run."""
    return settings.TAGGER_RETAG_DEBOUNCE_S


def enqueue_tagging(page_id: int) -> None:
    """Queue tagging of one page."""
    tag_page.enqueue(page_id)


class RetagAllOnCommit:
    """The on-commit callback queueing a retag of everything; knows whether it has run yet."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _enqueue_retag_all_once()


def schedule_retag_all() -> None:
    """Queue one retag of every page once the current transaction commits; repeated calls coalesce."""
    # Several vocabulary saves in one transaction need one callback. Django drops the callbacks
    # of rolled-back savepoints from run_on_commit, so a pending one here will really run.
    pending = (entry[1] for entry in getattr(transaction.get_connection(), "run_on_commit", ()))
    if any(isinstance(callback, RetagAllOnCommit) and not callback.done for callback in pending):
        return
    transaction.on_commit(RetagAllOnCommit())


def _enqueue_retag_all_once() -> None:
    delay = retag_debounce_seconds()
    # A retag that is queued but has not started will see this change too: don't queue another.
    if not cache.add(RETAG_ALL_PENDING_KEY, timezone.now().isoformat(), timeout=delay + 3600):
        logger.info("Vocabulary changed; a retag of every page is already queued")
        return
    task = retag_all
    if delay > 0 and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        task.enqueue()
    except Exception:
        cache.delete(RETAG_ALL_PENDING_KEY)
        raise
    logger.info("Vocabulary changed; retag of every page queued (in %ss)", delay)


def retag_all_pages() -> dict[str, int]:
    """Retag every taggable page; returns counts (the body of the retag_all task)."""
    # Cleared first so that a vocabulary change made while this runs queues a fresh retag.
    cache.delete(RETAG_ALL_PENDING_KEY)
    counts = {"pages": 0, "changed": 0, "failed": 0}
    for outcome in tagging.retag_pages():
        counts["pages"] += 1
        if isinstance(outcome, Exception):
            counts["failed"] += 1
        elif outcome.changed:
            counts["changed"] += 1
    logger.info("Retagged every page: %s", counts)
    return counts


@task()
def tag_page(page_id: int) -> dict:
    """Tag one page (suggestions, then applied tags); returns what changed."""
    try:
        result = tagging.tag_page(page_id)
    except NotTaggable:
        # The page was deleted (or changed type) between queueing and running: nothing to do.
        logger.info("Page %s is gone or carries no tags; not tagged", page_id)
        return {"page_id": page_id, "skipped": True}
    return {
        "page_id": page_id,
        "suggestions": result.suggestions,
        "added": [list(key) for key in result.added],
        "removed": [list(key) for key in result.removed],
        "written": result.written,
    }


@task()
def retag_all() -> dict:
    """Retag every publication and lecture with the current vocabulary; returns counts."""
    return retag_all_pages()
