"""The programme's figures for the home page: registrations and attendance at the lectures held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from lectures.models import LecturePage, Registration, RegistrationStatus


@dataclass(frozen=True)
class AttendanceFigures:
    """Confirmed registrations for the live public lectures already held, and how many were checked in."""

    registrations: int
    attended: int


def attendance_figures(*, now: datetime | None = None) -> AttendanceFigures:
    """Count registrations and check-ins at held lectures (live and public only), in one query."""
    held = LecturePage.objects.live().public().filter(start__lt=now or timezone.now())
    # Not Registration.objects.active(): that leaves out anonymised rows (the people there is no one
    # left to write to), and the retention period anonymises every past lecture's registrations. Status
    # and check-in survive anonymisation precisely so that these counts stay; the waiting list and
    # cancellations never held a seat.
    counts = Registration.objects.filter(lecture__in=held, status=RegistrationStatus.CONFIRMED).aggregate(
        registrations=Count("pk"), attended=Count("pk", filter=Q(checked_in_at__isnull=False))
    )
    return AttendanceFigures(registrations=counts["registrations"], attended=counts["attended"])
