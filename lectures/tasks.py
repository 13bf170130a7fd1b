"""Background work of the lectures app: every email goes out from here, never inside a request."""

import logging

from django.core import mail
from django_tasks import task

from lectures import emails, services
from lectures.models import LectureAnnouncement, Registration, RegistrationStatus

logger = logging.getLogger(__name__)


@task()
def send_registration_email(registration_id: int, kind: str) -> bool:
    """Send one registrant one email (confirmation, waiting list, promotion, reminder)."""
    return emails.send_registration_email(registration_id, kind)


@task()
def send_lecture_notices(lecture_id: int, kind: str, changed: list[str]) -> int:
    """Tell everyone registered that the lecture changed or was cancelled, over one mail connection."""
    registrations = Registration.objects.select_related("lecture").filter(
        lecture_id=lecture_id,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
        anonymised_at__isnull=True,
    )
    return _send_each(registrations, kind, changed=changed)


@task()
def send_announcement(announcement_id: int) -> int:
    """Send an organiser's message to its audience."""
    announcement = LectureAnnouncement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    recipients = services.announcement_recipients(announcement).select_related("lecture")
    return _send_each(recipients, "announcement", announcement=announcement)


@task()
def send_recording_notices(lecture_id: int) -> int:
    """Tell those who opted in that the recording is online."""
    return services.send_recording_notices(lecture_id)


@task()
def send_lecture_reminders() -> int:
    """Send the reminders that are due (run hourly by the worker's scheduler or cron)."""
    return services.send_due_reminders()


def _send_each(registrations, kind: str, **extra) -> int:
    sent = 0
    with mail.get_connection() as connection:
        for registration in registrations:
            try:
                message = emails.build_email(registration, kind, **extra)
                if message is not None:
                    message.connection = connection
                    message.send()
                    sent += 1
            except Exception:
                # One bad address must not stop the notice reaching everyone else.
                logger.exception("Could not send the %s email to registration %s", kind, registration.pk)
    return sent
