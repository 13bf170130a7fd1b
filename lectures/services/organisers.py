"""What organisers do by hand: close registration, check people in at the door, write to registrants."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lectures import emails
from lectures.exceptions import RegistrationError
from lectures.models import LectureAnnouncement, LectureState, Registration, RegistrationStatus
from lectures.services.seats import ACTIVE, lock_lecture, state_of


def set_registration_closed(lecture_id: int, closed: bool, *, user=None, now: datetime | None = None) -> LectureState:
    """Close or reopen registration by hand (the organisers' switch in the admin)."""
    with transaction.atomic():
        lecture = lock_lecture(lecture_id)
        state = state_of(lecture)
        state.registration_closed_at = (now or timezone.now()) if closed else None
        state.registration_closed_by = user if closed else None
        state.save(update_fields=["registration_closed_at", "registration_closed_by"])
    return state


def set_checked_in(registration_id: int, checked_in: bool, *, now: datetime | None = None) -> Registration:
    """Mark a confirmed registrant as present at the door (or undo it)."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        raise RegistrationError("registration_not_found")
    if registration.status != RegistrationStatus.CONFIRMED and checked_in:
        raise RegistrationError("invalid_details", problems="only confirmed registrants can be checked in.")
    registration.checked_in_at = (now or timezone.now()) if checked_in else None
    registration.save(update_fields=["checked_in_at"])
    return registration


def email_registrants(lecture_id: int, *, subject: str, body: str, audience: str, user=None) -> LectureAnnouncement:
    """Record an organiser's message and queue it for everyone in the chosen audience."""
    statuses = {
        LectureAnnouncement.Audience.CONFIRMED: [RegistrationStatus.CONFIRMED],
        LectureAnnouncement.Audience.WAITING: [RegistrationStatus.WAITING],
        LectureAnnouncement.Audience.ALL: list(ACTIVE),
    }[LectureAnnouncement.Audience(audience)]
    with transaction.atomic():
        lecture = lock_lecture(lecture_id)
        count = Registration.objects.filter(lecture=lecture).active(statuses).count()
        announcement = LectureAnnouncement.objects.create(
            lecture=lecture, subject=subject, body=body, audience=audience, sent_by=user, recipient_count=count
        )
        transaction.on_commit(lambda: send_announcement.enqueue(announcement.pk))
    return announcement


def announcement_recipients(announcement: LectureAnnouncement):
    """The registrations an announcement goes to."""
    statuses = ACTIVE if announcement.audience == "all" else [announcement.audience]
    return Registration.objects.filter(lecture_id=announcement.lecture_id).active(statuses).order_by("pk")


@task()
def send_announcement(announcement_id: int) -> int:
    """Send an organiser's message to its audience."""
    announcement = LectureAnnouncement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    recipients = announcement_recipients(announcement).select_related("lecture")
    return emails.send_each(recipients, "announcement", announcement=announcement)
