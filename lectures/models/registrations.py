"""Registrations and the per-lecture bookkeeping that must not travel with page revisions."""

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from lectures.models.pages import LecturePage


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Role(models.TextChoices):
    RESEARCHER = "researcher", "Researcher"
    POLICYMAKER = "policymaker", "Policymaker"
    PRACTITIONER = "practitioner", "Practitioner"
    STUDENT = "student", "Student"
    OTHER = "other", "Other"


class LectureState(models.Model):
    """Operational state of a lecture kept outside the page, so that publishing a revision can't reset it.

    Holds the manual "registration closed" switch, the calendar invitation's SEQUENCE and the
    details registrants were last told about (to notice time, venue or status changes).
    """

    lecture = models.OneToOneField(LecturePage, on_delete=models.CASCADE, primary_key=True, related_name="state")
    registration_closed_at = models.DateTimeField(null=True, blank=True)
    registration_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ics_sequence = models.PositiveIntegerField(default=0)
    notified_details = models.JSONField(default=dict, blank=True)
    recording_notice_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"State of lecture {self.lecture_id}"


#: The statuses that hold a seat or a place in the queue.
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class RegistrationQuerySet(models.QuerySet):
    """The registrations a workflow acts on, each filter written once."""

    def with_details(self) -> "RegistrationQuerySet":
        """Registrations whose personal details are still stored (not anonymised)."""
        return self.filter(anonymised_at__isnull=True)

    def active(self, statuses=ACTIVE_STATUSES) -> "RegistrationQuerySet":
        """Confirmed or waiting (or the given statuses), not anonymised: the people there is someone to write to."""
        return self.with_details().filter(status__in=list(statuses))


class Registration(models.Model):
    """One person's registration for one lecture: a confirmed seat, a place on the waiting list, or cancelled.

    One row per email address and lecture: registering again re-sends the confirmation, and
    registering after cancelling re-activates the same row. After the retention period the
    personal fields are blanked (anonymised_at is set); status, role, country and check-in stay
    for the lecture's counts.
    """

    lecture = models.ForeignKey(LecturePage, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    role = models.CharField(max_length=12, choices=Role.choices)
    accessibility_needs = models.TextField(blank=True)
    wants_recording_notice = models.BooleanField(default=False)
    consent_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    waiting_since = models.DateTimeField(null=True, blank=True, help_text="When they joined the waiting list.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    recording_notice_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "email"], condition=~Q(email=""), name="one_registration_per_email_and_lecture"
            ),
        ]
        indexes = [models.Index(fields=["lecture", "status", "waiting_since"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name or 'Anonymised'} ({self.get_status_display()}) for lecture {self.lecture_id}"

    def clean(self) -> None:
        if self.country and pycountry.countries.get(alpha_2=self.country.upper()) is None:
            raise ValidationError({"country": f"{self.country!r} is not an ISO 3166 country code."})
        self.email = normalise_email(self.email)

    def waiting_position(self) -> int | None:
        """1 for the next person to be promoted; None when the registration is not waiting."""
        if self.status != RegistrationStatus.WAITING:
            return None
        ahead = Registration.objects.filter(
            lecture_id=self.lecture_id,
            status=RegistrationStatus.WAITING,
            waiting_since__lte=self.waiting_since,
        ).exclude(waiting_since=self.waiting_since, pk__gte=self.pk)
        return ahead.count() + 1

    @property
    def country_name(self) -> str:
        if not self.country:
            return ""
        record = pycountry.countries.get(alpha_2=self.country)
        if record is None:
            return self.country
        return getattr(record, "common_name", record.name)


def normalise_email(email: str) -> str:
    """Trim and lower-case an address, so the same person is recognised however they type it."""
    return (email or "").strip().lower()


class LectureAnnouncement(models.Model):
    """A message an organiser emailed to a lecture's registrants (kept as a record of what was sent)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed registrants"
        WAITING = "waiting", "The waiting list"
        ALL = "all", "Confirmed registrants and the waiting list"

    lecture = models.ForeignKey(LecturePage, on_delete=models.CASCADE, related_name="announcements")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.CONFIRMED)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
