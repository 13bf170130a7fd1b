"""Scheduled mail: the day-before reminders and "the recording is online", each sent to a person once."""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from lectures import emails
from lectures.models import LecturePage, LectureState, LectureStatus, Registration, RegistrationStatus
from lectures.services.seats import ACTIVE

logger = logging.getLogger(__name__)


def _send_once(
    registration_ids: Iterable[int],
    kind: str,
    sent_field: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Send `kind` to each registration whose `sent_field` is empty: claim the row, send, unclaim on failure.

    Claiming first means two overlapping runs never send the same email twice; a failed send is
    unclaimed so that the next run tries again.
    """
    sent = 0
    for registration_id in list(registration_ids):
        unsent = Registration.objects.filter(pk=registration_id, **{f"{sent_field}__isnull": True})
        if unsent.update(**{sent_field: now}):
            try:
                emails.send_registration_email(registration_id, kind)
                sent += 1
            except Exception:
                logger.exception("The %s email for registration %s failed; it will be retried", kind, registration_id)
                Registration.objects.filter(pk=registration_id).update(**{sent_field: None})
        if progress:
            progress(1)
    return sent


def due_reminders(now: datetime | None = None, *, hours: int = 24):
    """Confirmed registrations for lectures starting within `hours` that have had no reminder yet."""
    now = now or timezone.now()
    return (
        Registration.objects.active([RegistrationStatus.CONFIRMED])
        .filter(
            reminder_sent_at__isnull=True,
            lecture__live=True,
            lecture__status=LectureStatus.SCHEDULED,
            lecture__start__gt=now,
            lecture__start__lte=now + timedelta(hours=hours),
        )
        .order_by("lecture__start", "pk")
    )


def send_due_reminders(
    now: datetime | None = None, *, hours: int = 24, progress: Callable[[int], None] | None = None
) -> int:
    """Send each due reminder once; returns how many were sent."""
    now = now or timezone.now()
    due = due_reminders(now, hours=hours).values_list("pk", flat=True)
    return _send_once(due, "reminder", "reminder_sent_at", now, progress)


def send_recording_notices_now(lecture_id: int, *, now: datetime | None = None) -> int:
    """Tell the registrants who asked for it that the recording is online; each person once."""
    now = now or timezone.now()
    lecture = LecturePage.objects.filter(pk=lecture_id, live=True).first()
    if lecture is None or not lecture.has_recording:
        return 0
    LectureState.objects.get_or_create(lecture=lecture)
    LectureState.objects.filter(lecture=lecture).update(recording_notice_sent_at=now)
    candidates = (
        Registration.objects.filter(lecture=lecture, wants_recording_notice=True, recording_notice_sent_at__isnull=True)
        .active(ACTIVE)
        .values_list("pk", flat=True)
    )
    return _send_once(candidates, "recording", "recording_notice_sent_at", now)


@task()
def send_recording_notices(lecture_id: int) -> int:
    """Tell those who opted in that the recording is online."""
    return send_recording_notices_now(lecture_id)


@task()
def send_lecture_reminders() -> int:
    """Send the reminders that are due (run hourly by the worker's scheduler or cron)."""
    return send_due_reminders()
