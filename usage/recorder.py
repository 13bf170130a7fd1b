"""Recording requests without making them wait: an in-process queue that a background thread counts.

A page view or a download only appends a small tuple to a bounded in-memory queue (no database
write, no robot check). One daemon thread per process wakes every ``USAGE_FLUSH_INTERVAL_S``
seconds, takes what is queued and counts it (``usage.counting.count_events``) on its own database
connection. Why not a row per request: a write per download is what the benchmark showed costs
the download its time; a queue costs a lock.

What a crash loses: the events a process had not counted yet, at most the last interval's. A
worker that exits normally (gunicorn's graceful restart, SIGTERM) counts them on the way out
(``atexit``). When the queue is full (``USAGE_QUEUE_MAX``; the database stopped answering for a
long time) new events are dropped and logged rather than let memory grow.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.http import HttpRequest

from salam.ratelimits import client_ip
from usage.counting import CountReport, Event, count_events

logger = logging.getLogger(__name__)


class _State:
    pid: int | None = None
    queue: queue.Queue[Event] | None = None
    thread: threading.Thread | None = None
    dropped = 0


_state = _State()
_start_lock = threading.Lock()


def _current_queue() -> queue.Queue[Event]:
    """This process's queue, made (and its thread started) on first use after start or fork."""
    pid = os.getpid()
    if _state.pid != pid:
        with _start_lock:
            if _state.pid != pid:
                # gunicorn --preload forks after import: a queue or thread from the parent is not ours.
                _state.queue = queue.Queue(maxsize=settings.USAGE_QUEUE_MAX)
                _state.thread = None
                if settings.USAGE_FLUSH_INTERVAL_S > 0:
                    _state.thread = threading.Thread(target=_loop, name="usage-counter", daemon=True)
                    _state.thread.start()
                    atexit.register(_flush_at_exit)
                _state.pid = pid
    assert _state.queue is not None
    return _state.queue


def record(request: HttpRequest, kind: str, target_id: int) -> None:
    """Queue one request for counting (a view of page ``target_id`` or a download of document ``target_id``)."""
    if not settings.USAGE_COUNTING or request.method != "GET":
        return
    event = Event(
        kind=kind,
        target_id=int(target_id),
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:500],
        at_ms=time.time_ns() // 1_000_000,
    )
    try:
        _current_queue().put_nowait(event)
    except queue.Full:
        _state.dropped += 1
        if _state.dropped % 1000 == 1:
            logger.warning("usage: the queue is full; %d events dropped so far", _state.dropped)


def take_queued() -> list[Event]:
    """Everything queued in this process, removed from the queue."""
    events: list[Event] = []
    pending = _current_queue()
    while True:
        try:
            events.append(pending.get_nowait())
        except queue.Empty:
            return events


def flush() -> CountReport:
    """Count everything queued in this process now (the thread does this on its own; tests call it)."""
    return count_events(take_queued())


def _loop() -> None:
    while True:
        interval = settings.USAGE_FLUSH_INTERVAL_S
        # A thread replaced (after a fork, or by a test starting afresh) or switched off ends.
        if interval <= 0 or _state.thread is not threading.current_thread():
            return
        time.sleep(interval)
        close_old_connections()
        try:
            report = flush()
            if report.received:
                logger.debug("usage: %s", report)
        except Exception:
            # The database may be away; these events are lost, the next ones will be tried again.
            logger.exception("usage: could not count a batch of events")
            connection.close()


def _flush_at_exit() -> None:
    if _state.pid != os.getpid():
        return
    try:
        flush()
    except Exception:
        logger.exception("usage: could not count the last events before exiting")
