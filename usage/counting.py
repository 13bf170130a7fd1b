"""Turning recorded requests into usage figures: robots out, only live public publications, double
clicks merged, one row per visitor and day under a salted hash, and finished days rolled up.

Called by ``usage.recorder``'s background thread (and by tests directly), never inside a request.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from publications.models import PublicationPage
from salam.documents import registered_document_uses
from usage.models import DailyUsage, UsageKind, UsageSalt, UsageVisit
from usage.robots import is_robot

logger = logging.getLogger(__name__)

#: COUNTER's double-click window: the same visitor's requests for one item this close count once.
DOUBLE_CLICK_MS = 30_000
#: A finished day is rolled up (and its salt discarded) this long after midnight, so that events a
#: web process still held at midnight are counted under that day's salt first.
ROLL_UP_AFTER = datetime.timedelta(minutes=10)


class Event(NamedTuple):
    """One request as the web process saw it; it lives in memory only, until it is counted."""

    kind: str  # UsageKind
    target_id: int  # a page id for a view, a document id for a download
    ip: str
    user_agent: str
    at_ms: int  # Unix time in milliseconds


@dataclass
class CountReport:
    """What one batch of events came to."""

    received: int = 0
    robots: int = 0
    not_public: int = 0
    too_late: int = 0
    counted: int = 0
    rolled_up_days: list[datetime.date] = field(default_factory=list)


def local_day(at_ms: int) -> datetime.date:
    """The hub's calendar day (settings.TIME_ZONE) of a Unix time in milliseconds."""
    moment = datetime.datetime.fromtimestamp(at_ms / 1000, tz=datetime.UTC)
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


class _Memory:
    """What a process remembers between batches, so an idle or busy thread does not ask the database again."""

    today_salt: tuple[datetime.date, str] | None = None
    rolled_up_before: datetime.date | None = None


_memory = _Memory()


def forget() -> None:
    """Drop the remembered salt and roll-up day (tests, whose database is rolled back between them)."""
    _memory.today_salt = None
    _memory.rolled_up_before = None


def salt_for(day: datetime.date, now: datetime.datetime) -> str | None:
    """The day's salt, made on first use for today; None for a day whose salt is gone (counted too late)."""
    today = _today(now)
    if _memory.today_salt and _memory.today_salt[0] == day == today:
        return _memory.today_salt[1]
    row = UsageSalt.objects.filter(day=day).first()
    if row is None:
        if day != today:
            return None
        row, _ = UsageSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})
    if day == today:
        # Only today's: a finished day's salt is deleted by whichever process rolls the day up.
        _memory.today_salt = (day, row.salt)
    return row.salt


def visitor_key(salt: str, ip: str, user_agent: str) -> str:
    """The day's pseudonym of one address and browser: no address is kept, and days cannot be linked."""
    return hashlib.sha256(f"{salt}\n{ip}\n{user_agent}".encode()).hexdigest()


def _public_publications(page_ids: set[int]) -> set[int]:
    """The ids among ``page_ids`` of live publications that anonymous readers may see."""
    if not page_ids:
        return set()
    return set(PublicationPage.objects.live().public().filter(pk__in=page_ids).values_list("pk", flat=True))


def _downloadable_publications(document_ids: set[int]) -> dict[int, int]:
    """document id -> the live public publication whose readers may download it now (not under embargo)."""
    found: dict[int, int] = {}
    if not document_ids:
        return found
    for use in registered_document_uses():
        if not issubclass(use.model, PublicationPage):
            continue  # lecture slides and the like are not publications' full text
        pages = use.model.objects.live().public().filter(**{f"{use.field}_id__in": document_ids}).order_by("pk")
        for page in pages:
            if use.withheld and use.withheld(page):
                continue
            found.setdefault(getattr(page, f"{use.field}_id"), page.pk)
    return found


def count_events(events: Iterable[Event], now: datetime.datetime | None = None) -> CountReport:
    """Count a batch of recorded requests into today's visits, then roll up any finished day."""
    now = now or timezone.now()
    report = CountReport()
    # Once a day per process: the roll-up's own check is a query, and the thread runs every few seconds.
    if _memory.rolled_up_before != _today(now - ROLL_UP_AFTER):
        report.rolled_up_days = roll_up(now)
        _memory.rolled_up_before = _today(now - ROLL_UP_AFTER)
    people: list[Event] = []
    for event in events:
        report.received += 1
        if is_robot(event.user_agent):
            report.robots += 1
        else:
            people.append(event)
    if not people:
        return report
    views = _public_publications({e.target_id for e in people if e.kind == UsageKind.VIEW})
    downloads = _downloadable_publications({e.target_id for e in people if e.kind == UsageKind.DOWNLOAD})

    # (day, visitor, page, kind) -> the times of that visitor's requests in this batch
    times: dict[tuple[datetime.date, str, int, str], list[int]] = defaultdict(list)
    salts: dict[datetime.date, str | None] = {}
    for event in people:
        if event.kind == UsageKind.VIEW:
            page_id = event.target_id if event.target_id in views else None
        else:
            page_id = downloads.get(event.target_id)
        if page_id is None:
            report.not_public += 1
            continue
        day = local_day(event.at_ms)
        if day not in salts:
            salts[day] = salt_for(day, now)
        salt = salts[day]
        if salt is None:
            report.too_late += 1
            continue
        times[(day, visitor_key(salt, event.ip, event.user_agent), page_id, event.kind)].append(event.at_ms)

    rows = []
    for (day, visitor, page_id, kind), stamps in times.items():
        stamps.sort()
        # A request counts when it comes more than 30 s after the one before it (COUNTER's double click).
        requests = 1 + sum(1 for before, after in itertools.pairwise(stamps) if after - before > DOUBLE_CLICK_MS)
        rows.append((day, visitor, page_id, kind, requests, stamps[-1], stamps[0], DOUBLE_CLICK_MS))
        report.counted += len(stamps)
    if rows:
        _upsert_visits(rows)
    return report


def _upsert_visits(rows: list[tuple]) -> None:
    """Add each visitor's requests to their row of the day; the first merges with a stored one 30 s before."""
    visit = UsageVisit._meta.db_table
    # Table names from the models, never from input; Django's ORM has no upsert with expressions.
    sql = f"""
        INSERT INTO {visit} (day, visitor, page_id, kind, requests, last_ms) VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT (day, visitor, page_id, kind) DO UPDATE SET
            requests = {visit}.requests + excluded.requests
                       - CASE WHEN ABS(%s - {visit}.last_ms) <= %s THEN 1 ELSE 0 END,
            last_ms = CASE WHEN excluded.last_ms > {visit}.last_ms THEN excluded.last_ms ELSE {visit}.last_ms END
    """  # noqa: S608
    # Every process writes its rows in the same (key) order, so two processes counting the same
    # visitors at once wait for each other instead of deadlocking.
    rows = sorted(rows, key=lambda row: row[:4])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def roll_up(now: datetime.datetime | None = None) -> list[datetime.date]:
    """Move finished days' visits into DailyUsage and discard those days' salts; returns the days moved."""
    now = now or timezone.now()
    before = _today(now - ROLL_UP_AFTER)
    if not UsageVisit.objects.filter(day__lt=before).exists():
        UsageSalt.objects.filter(day__lt=before).delete()
        return []
    visit, daily = UsageVisit._meta.db_table, DailyUsage._meta.db_table
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE ... RETURNING: each row is taken by exactly one process, so two processes rolling up
        # at once cannot count a visit twice.
        cursor.execute(f"DELETE FROM {visit} WHERE day < %s RETURNING day, page_id, kind, requests", [before])  # noqa: S608
        for day, page_id, kind, requests in cursor.fetchall():
            if isinstance(day, str):  # SQLite hands dates back as text here
                day = datetime.date.fromisoformat(day)
            total = totals[(day, page_id, kind)]
            total[0] += requests
            total[1] += 1
        cursor.executemany(
            f"""INSERT INTO {daily} (day, page_id, kind, total, visitors) VALUES (%s, %s, %s, %s, %s)
                ON CONFLICT (day, page_id, kind) DO UPDATE SET
                    total = {daily}.total + excluded.total, visitors = {daily}.visitors + excluded.visitors""",  # noqa: S608
            [(day, page_id, kind, total, visitors) for (day, page_id, kind), (total, visitors) in totals.items()],
        )
        UsageSalt.objects.filter(day__lt=before).delete()
    days = sorted({key[0] for key in totals})
    logger.info("usage: rolled up %d rows for %s", len(totals), ", ".join(map(str, days)))
    return days
