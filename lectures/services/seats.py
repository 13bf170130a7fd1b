"""Seats and registration: register, cancel, promote from the waiting list, and the mail they trigger.

Every workflow that changes who holds a seat runs inside ``transaction.atomic()`` with the
lecture's row locked (``SELECT … FOR UPDATE``), so concurrent requests queue up behind each other
and the number of confirmed seats never exceeds the capacity. Seats are counted in one place,
``seat_counts``. Mail is queued with ``transaction.on_commit``: a rolled-back change sends nothing.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lectures import emails
from lectures.exceptions import RegistrationError
from lectures.models import (
    LecturePage,
    LectureState,
    LectureStatus,
    Registration,
    RegistrationStatus,
    Role,
    normalise_email,
)
from lectures.models.registrations import ACTIVE_STATUSES
from lectures.services import queries
from lectures.times import venue_time_text

logger = logging.getLogger(__name__)

ACTIVE = ACTIVE_STATUSES
REGISTRANT_FIELDS = ("name", "organisation", "country", "role", "accessibility_needs", "wants_recording_notice")


@dataclass(frozen=True)
class RegistrantDetails:
    """What a person gives when registering (already checked by the form, checked again here)."""

    name: str
    email: str
    role: str = Role.OTHER
    organisation: str = ""
    country: str = ""
    accessibility_needs: str = ""
    wants_recording_notice: bool = False
    consent: bool = False


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_WAITING = "already_waiting"


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    outcome: Outcome
    waiting_position: int | None = None


# ---- counting and rules ---------------------------------------------------------------------


@dataclass(frozen=True)
class SeatCounts:
    """How a lecture's registrations stand: one aggregate query (see `seat_counts`)."""

    capacity: int
    confirmed: int
    waiting: int
    # The id of the registration already made with a given email address, if any.
    existing_id: int | None = None

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.confirmed)


def seat_counts(lecture: LecturePage, email: str | None = None) -> SeatCounts:
    """The one place seats are counted: confirmed and waiting registrations (and `email`'s own row) at once."""
    confirmed, waiting, existing_id = queries.registration_counts(lecture.pk, email or "")
    return SeatCounts(lecture.capacity, confirmed, waiting, existing_id if email else None)


def seats_left(lecture: LecturePage) -> int:
    """Capacity minus confirmed registrations, never below zero."""
    return seat_counts(lecture).seats_left


def waiting_position(registration: Registration) -> int | None:
    """1 for the next person to be promoted; None when the registration is not waiting."""
    return registration.waiting_position()


def registration_problem(lecture: LecturePage, now: datetime | None = None) -> RegistrationError | None:
    """Why registration is not possible right now, or None when it is open."""
    now = now or timezone.now()
    if lecture.status == LectureStatus.CANCELLED:
        return RegistrationError("lecture_cancelled")
    if lecture.status == LectureStatus.POSTPONED:
        return RegistrationError("lecture_postponed")
    if lecture.has_started(now):
        return RegistrationError("lecture_started")
    if _closed_by_organiser(lecture):
        return RegistrationError("closed_by_organiser")
    if lecture.registration_opens and now < lecture.registration_opens:
        return RegistrationError("not_open_yet", opens=venue_time_text(lecture.registration_opens, lecture.timezone))
    if lecture.registration_closes and now >= lecture.registration_closes:
        return RegistrationError("closed", closes=venue_time_text(lecture.registration_closes, lecture.timezone))
    return None


def _closed_by_organiser(lecture: LecturePage) -> bool:
    # The registration lock reads the date along with the lecture; elsewhere reading `state` costs one query.
    if hasattr(lecture, "registration_closed_at"):
        return lecture.registration_closed_at is not None
    try:
        return lecture.state.registration_closed_at is not None
    except LectureState.DoesNotExist:
        return False


def lock_lecture(lecture_id: int) -> LecturePage:
    """The lecture with its state, its row locked until the transaction ends; RegistrationError if none."""
    # Lock only the lecture's own row (not wagtailcore_page), so editors' page work is not blocked.
    lectures = LecturePage.objects.select_for_update(of=("self",)).select_related("state")
    try:
        return lectures.get(pk=lecture_id)
    except (LecturePage.DoesNotExist, ValueError, TypeError):
        raise RegistrationError("lecture_not_found") from None


RULE_FIELDS = queries.RULE_FIELDS


def _lock_lecture_for_registration(lecture_id: int) -> LecturePage:
    """`lock_lecture` for a registration: one plain query for what the rules read.

    It runs on every registration while other registrations queue for the lock; the ORM's version
    of this query cost several times the query itself (see lectures.services.queries).
    """
    if not isinstance(lecture_id, int):
        raise RegistrationError("lecture_not_found")
    lecture = queries.lecture_locked_for_registration(lecture_id)
    if lecture is None:
        raise RegistrationError("lecture_not_found")
    return lecture


def state_of(lecture: LecturePage) -> LectureState:
    """The lecture's operational state, created on first use."""
    state, _ = LectureState.objects.get_or_create(lecture=lecture)
    return state


@task()
def send_registration_email(registration_id: int, kind: str) -> bool:
    """Send one registrant one email (confirmation, waiting list, promotion, reminder)."""
    return emails.send_registration_email(registration_id, kind)


def _email_after_commit(registration_id: int, kind: str) -> None:
    def enqueue() -> None:
        try:
            send_registration_email.enqueue(registration_id, kind)
        except Exception:
            # The registration is committed; a lost email is logged for the organisers, not a failed request.
            logger.exception("Could not queue the %s email for registration %s", kind, registration_id)

    transaction.on_commit(enqueue)


# ---- the three workflows ------------------------------------------------------------------


def register(lecture_id: int, details: RegistrantDetails, *, now: datetime | None = None) -> RegistrationResult:
    """Give the person a seat, or a place on the waiting list when the lecture is full; idempotent per email.

    Everything that can be decided without the lock (consent, the details themselves) is checked
    first; the locked part is three statements: lock the lecture (with its state), count its
    registrations (with this email's own row), write the registration.
    """
    if not details.consent:
        raise RegistrationError("consent_missing")
    email = normalise_email(details.email)
    registration = Registration(
        lecture_id=lecture_id,
        status=RegistrationStatus.WAITING,  # provisional, for validation
        name=details.name.strip(),
        email=email,
        organisation=details.organisation.strip(),
        country=(details.country or "").strip().upper(),
        role=details.role,
        accessibility_needs=details.accessibility_needs.strip(),
        wants_recording_notice=bool(details.wants_recording_notice),
        consent_at=now or timezone.now(),
    )
    _validate(registration)
    with transaction.atomic():
        lecture = _lock_lecture_for_registration(lecture_id)
        # Stamped after the lock is held, so the waiting list's order is the order of joining it.
        now = now or timezone.now()
        if not lecture.live:
            raise RegistrationError("lecture_not_found")
        problem = registration_problem(lecture, now)
        if problem:
            raise problem
        counts = seat_counts(lecture, email)
        if counts.existing_id is not None:
            existing = Registration.objects.get(pk=counts.existing_id)
            if existing.status in ACTIVE:
                confirmed = existing.status == RegistrationStatus.CONFIRMED
                _email_after_commit(existing.pk, "confirmation" if confirmed else "waiting")
                return RegistrationResult(
                    existing,
                    Outcome.ALREADY_CONFIRMED if confirmed else Outcome.ALREADY_WAITING,
                    waiting_position(existing),
                )
            # Registering again after cancelling re-activates the same row with the new details.
            for field in REGISTRANT_FIELDS:
                setattr(existing, field, getattr(registration, field))
            existing.cancelled_at = existing.checked_in_at = existing.reminder_sent_at = None
            registration = existing
        free, waiting = counts.seats_left, counts.waiting
        if free and waiting:
            # People already waiting go first when seats have freed up (e.g. the capacity was raised).
            promoted = _promote_locked(lecture, now, free=free)
            free, waiting = free - len(promoted), waiting - len(promoted)
        confirmed = free > 0
        registration.consent_at = now
        registration.status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
        registration.confirmed_at = now if confirmed else None
        registration.waiting_since = None if confirmed else now
        registration.save()
        _email_after_commit(registration.pk, "confirmation" if confirmed else "waiting")
    logger.info("Registration %s for lecture %s: %s", registration.pk, lecture_id, registration.status)
    # Whoever joins the waiting list now joins it last.
    position = None if confirmed else waiting + 1
    return RegistrationResult(registration, Outcome.CONFIRMED if confirmed else Outcome.WAITING, position)


def _validate(registration: Registration) -> None:
    try:
        registration.full_clean(exclude=["lecture", "consent_at"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{Registration._meta.get_field(field).verbose_name}: {' '.join(messages)}"
            if field != "__all__"
            else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
        raise RegistrationError("invalid_details", problems=problems) from None


def cancel(registration_id: int, *, now: datetime | None = None) -> list[int]:
    """Cancel a registration; a freed seat goes to the waiting list. Returns the promoted registrations' ids."""
    lecture_id = Registration.objects.filter(pk=registration_id).values_list("lecture_id", flat=True).first()
    if lecture_id is None:
        raise RegistrationError("registration_not_found")
    with transaction.atomic():
        lecture = lock_lecture(lecture_id)
        now = now or timezone.now()  # after the lock: promotions are stamped in the order they happen
        registration = Registration.objects.get(pk=registration_id)
        if registration.anonymised_at:
            raise RegistrationError("anonymised")
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError("already_cancelled")
        held_a_seat = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_locked(lecture, now) if held_a_seat else []
    logger.info("Registration %s cancelled; promoted %s", registration_id, promoted)
    return promoted


def promote_from_waiting_list(lecture_id: int, *, now: datetime | None = None) -> list[int]:
    """Give free seats to the waiting list in the order people joined it; returns the promoted ids."""
    with transaction.atomic():
        lecture = lock_lecture(lecture_id)
        return _promote_locked(lecture, now or timezone.now())


def _promote_locked(lecture: LecturePage, now: datetime, *, free: int | None = None) -> list[int]:
    """Promote while seats are free (`free` when the caller has just counted); the caller holds the lock."""
    if lecture.status != LectureStatus.SCHEDULED or lecture.has_started(now):
        return []
    if free is None:
        free = seats_left(lecture)
    if free <= 0:
        return []
    ids = list(
        Registration.objects.filter(lecture=lecture, status=RegistrationStatus.WAITING)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)[:free]
    )
    if ids:
        Registration.objects.filter(pk__in=ids).update(status=RegistrationStatus.CONFIRMED, confirmed_at=now)
        for registration_id in ids:
            _email_after_commit(registration_id, "promoted")
    return ids
