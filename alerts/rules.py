"""The rules of alerts' timing in one place: which period a moment is in, how long links last."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from alerts.models import Frequency

# A page is in the index a few seconds after it is published (longer when Elasticsearch was down):
# a digest covers pages published until this long ago, so the next one still finds the latest.
INDEX_LAG = datetime.timedelta(minutes=10)


class Notice(StrEnum):
    """Which email a subscription request sends."""

    CONFIRM = "confirm"  # a new (or not yet confirmed) alert: follow the link to start it
    ALREADY = "already"  # the address already has this alert


def confirm_max_age() -> datetime.timedelta:
    """How long a confirmation link works (and an unconfirmed subscription is kept)."""
    return datetime.timedelta(days=max(settings.ALERTS_CONFIRM_DAYS, 1))


def period_key(moment: datetime.datetime, frequency: str) -> str:
    """The period a moment falls in, in the hub's time zone: '2026-12-06' (daily) or '2026-W49' (weekly)."""
    local = timezone.localtime(moment)
    if frequency == Frequency.DAILY:
        return local.strftime("%Y-%m-%d")
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"
