"""Two digest runs at once (two cron hosts, cron and `make run`) send each subscription one digest."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from alerts import matching, services
from alerts.models import Subscription

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RUNNERS = 4


def test_concurrent_runs_send_each_digest_once(monkeypatch):
    now = timezone.now()
    for n in range(8):
        Subscription.objects.create(
            email=f"reader{n}@example.org",
            query="country=NP",
            frequency="daily" if n % 2 else "weekly",
            confirmed_at=now - datetime.timedelta(days=8),
            covered_until=now - datetime.timedelta(days=8),
            last_period="2000-01-01",
        )
    item = matching.DigestItem(1, "A new study", "Report", "http://testserver/x/", now)
    start = threading.Barrier(RUNNERS)

    def slow_items(*args, **kwargs):
        start_gap.wait(0.01)  # widen the window between claiming and sending
        return [item], 1

    start_gap = threading.Event()
    monkeypatch.setattr(matching, "new_items", slow_items)
    reports, errors = [], []

    def run() -> None:
        try:
            start.wait()
            reports.append(services.send_due_digests(now=now))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(report.sent for report in reports) == 8
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"reader{n}@example.org" for n in range(8))
    assert sum(report.skipped for report in reports) == 8 * (RUNNERS - 1)
