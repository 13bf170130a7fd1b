"""Deleting registrants' personal data after the retention period (or at their request); the counts stay."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lectures.models import Registration


def anonymise(queryset, now: datetime) -> int:
    """Blank the personal fields of the registrations in `queryset` not yet anonymised."""
    return queryset.filter(anonymised_at__isnull=True).update(
        name="", email="", organisation="", accessibility_needs="", anonymised_at=now
    )


def registrations_to_anonymise(now: datetime | None = None, *, days: int | None = None):
    """Registrations of lectures that ended more than `days` ago whose details are still stored."""
    now = now or timezone.now()
    days = settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS if days is None else days
    return Registration.objects.filter(anonymised_at__isnull=True, lecture__end__lt=now - timedelta(days=days))


def anonymise_past_registrations(
    now: datetime | None = None,
    *,
    days: int | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Blank names, emails, organisations and needs after the retention period; counts stay."""
    now = now or timezone.now()
    ids = list(registrations_to_anonymise(now, days=days).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            done += anonymise(Registration.objects.filter(pk__in=batch), now)
        if progress:
            progress(len(batch))
    return done
