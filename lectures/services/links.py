"""Signed links in emails: cancel a registration, or have one's details deleted."""

from datetime import datetime

from django.utils import timezone

from lectures.exceptions import RegistrationError
from lectures.models import LecturePage, Registration
from lectures.services.anonymisation import anonymise
from lectures.services.seats import ACTIVE, cancel
from lectures.tokens import CANCEL_SALT, FORGET_SALT, email_matches, read_token


def registration_from_token(token: str, *, salt: str = CANCEL_SALT) -> Registration:
    """The registration a signed link names, or RegistrationError when the link is forged or stale."""
    registration_id, digest = read_token(token, salt=salt)
    registration = Registration.objects.select_related("lecture").filter(pk=registration_id).first()
    if registration is None:
        raise RegistrationError("link_invalid")
    if registration.anonymised_at:
        raise RegistrationError("anonymised")
    if not email_matches(registration.email, digest):
        raise RegistrationError("link_invalid")
    return registration


def cancel_by_token(token: str, *, now: datetime | None = None) -> Registration:
    """Cancel the registration a link in an email names; the link expires when the lecture ends."""
    registration = registration_from_token(token)
    if registration.lecture.has_ended(now or timezone.now()):
        raise RegistrationError("link_expired")
    cancel(registration.pk, now=now)
    registration.refresh_from_db()
    return registration


def retention_deadline(lecture: LecturePage) -> datetime:
    """When the personal data of the lecture's registrants is deleted."""
    return lecture.personal_data_deleted_at()


def forget_by_token(token: str, *, now: datetime | None = None) -> None:
    """Delete one person's details at their request (the link in emails sent after the lecture)."""
    now = now or timezone.now()
    registration = registration_from_token(token, salt=FORGET_SALT)
    if registration.status in ACTIVE and not registration.lecture.has_ended(now):
        cancel(registration.pk, now=now)
    anonymise(Registration.objects.filter(pk=registration.pk), now)
