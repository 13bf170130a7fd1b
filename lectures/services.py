"""Registration workflows: register, cancel, promote from the waiting list, and the mail they trigger.

Every workflow that changes who holds a seat runs inside ``transaction.atomic()`` with the
lecture's row locked (``SELECT … FOR UPDATE``), so concurrent requests queue up behind each other
and the number of confirmed seats never exceeds the capacity. Seats are counted in one place,
``seat_counts``. Mail is queued with ``transaction.on_commit``: a rolled-back change sends nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from lectures.exceptions import RegistrationError
from lectures.models import (
    LectureAnnouncement,
    LecturePage,
    LectureState,
    LectureStatus,
    Registration,
    RegistrationStatus,
    Role,
    normalise_email,
)
from lectures.times import venue_time_text
from lectures.tokens import CANCEL_SALT, FORGET_SALT, email_matches, read_token

logger = logging.getLogger(__name__)

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
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
    """The one place seats are counted: confirmed and waiting registrations (and `email`'s own row) at once.

    Plain SQL: it runs under the lecture's lock on every registration, where building the same
    aggregate with the ORM cost several times the query itself.
    """
    table = connection.ops.quote_name(Registration._meta.db_table)  # names from the model, values as parameters
    count = "COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0)"
    sql = f"SELECT {count}, {count}, MAX(CASE WHEN email = %s THEN id END) FROM {table} WHERE lecture_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITING.value, email or "", lecture.pk]
        )
        confirmed, waiting, existing_id = cursor.fetchone()
    return SeatCounts(lecture.capacity, int(confirmed), int(waiting), existing_id if email else None)


def seats_left(lecture: LecturePage) -> int:
    """Capacity minus confirmed registrations, never below zero."""
    return seat_counts(lecture).seats_left


def waiting_position(registration: Registration) -> int | None:
    """1 for the next person to be promoted; None when the registration is not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        lecture_id=registration.lecture_id,
        status=RegistrationStatus.WAITING,
        waiting_since__lte=registration.waiting_since,
    ).exclude(waiting_since=registration.waiting_since, pk__gte=registration.pk)
    return ahead.count() + 1


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


def _lock_lecture(lecture_id: int) -> LecturePage:
    # Lock only the lecture's own row (not wagtailcore_page), so editors' page work is not blocked.
    lectures = LecturePage.objects.select_for_update(of=("self",)).select_related("state")
    try:
        return lectures.get(pk=lecture_id)
    except (LecturePage.DoesNotExist, ValueError, TypeError):
        raise RegistrationError("lecture_not_found") from None


# What the registration rules read of a lecture; the page's other fields are not loaded under the lock.
RULE_FIELDS = ("live", "capacity", "status", "start", "end", "timezone", "registration_opens", "registration_closes")


@cache
def _registration_lock_sql(vendor: str) -> str:
    """The lecture's rule fields and the organiser's closing date, its row locked (FOR UPDATE where supported)."""
    quote = connection.ops.quote_name
    lecture, page, state = (quote(model._meta.db_table) for model in (LecturePage, Page, LectureState))
    wanted = {"page_ptr_id", "id", *RULE_FIELDS}
    columns = [
        f"{quote(field.model._meta.db_table)}.{quote(field.column)}"
        for field in LecturePage._meta.concrete_fields
        if field.attname in wanted
    ]
    # Table and column names come from the models; the lecture's id is a parameter.
    sql = (
        f"SELECT {', '.join(columns)}, {state}.registration_closed_at FROM {lecture}"  # noqa: S608
        f" INNER JOIN {page} ON {page}.id = {lecture}.page_ptr_id"
        f" LEFT JOIN {state} ON {state}.lecture_id = {lecture}.page_ptr_id"
        f" WHERE {lecture}.page_ptr_id = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " " + connection.ops.for_update_sql(of=(lecture,))
    elif connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql()
    return sql


def _lock_lecture_for_registration(lecture_id: int) -> LecturePage:
    """`_lock_lecture` for a registration: one plain query for what the rules read.

    It runs on every registration while other registrations queue for the lock; the ORM's version
    of this query cost several times the query itself. Other fields are loaded if read (deferred).
    """
    if not isinstance(lecture_id, int):
        raise RegistrationError("lecture_not_found")
    found = list(LecturePage.objects.raw(_registration_lock_sql(connection.vendor), [lecture_id]))
    if not found:
        raise RegistrationError("lecture_not_found")
    return found[0]


def _state(lecture: LecturePage) -> LectureState:
    state, _ = LectureState.objects.get_or_create(lecture=lecture)
    return state


def _email_after_commit(registration_id: int, kind: str) -> None:
    from lectures.tasks import send_registration_email

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
        lecture = _lock_lecture(lecture_id)
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
        lecture = _lock_lecture(lecture_id)
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


# ---- signed links ---------------------------------------------------------------------------


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
    return lecture.end + timedelta(days=settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS)


def forget_by_token(token: str, *, now: datetime | None = None) -> None:
    """Delete one person's details at their request (the link in emails sent after the lecture)."""
    now = now or timezone.now()
    registration = registration_from_token(token, salt=FORGET_SALT)
    if registration.status in ACTIVE and not registration.lecture.has_ended(now):
        cancel(registration.pk, now=now)
    _anonymise(Registration.objects.filter(pk=registration.pk), now)


# ---- organisers -----------------------------------------------------------------------------


def set_registration_closed(lecture_id: int, closed: bool, *, user=None, now: datetime | None = None) -> LectureState:
    """Close or reopen registration by hand (the organisers' switch in the admin)."""
    with transaction.atomic():
        lecture = _lock_lecture(lecture_id)
        state = _state(lecture)
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
    from lectures.tasks import send_announcement

    statuses = {
        LectureAnnouncement.Audience.CONFIRMED: [RegistrationStatus.CONFIRMED],
        LectureAnnouncement.Audience.WAITING: [RegistrationStatus.WAITING],
        LectureAnnouncement.Audience.ALL: list(ACTIVE),
    }[LectureAnnouncement.Audience(audience)]
    with transaction.atomic():
        lecture = _lock_lecture(lecture_id)
        count = Registration.objects.filter(lecture=lecture, status__in=statuses, anonymised_at__isnull=True).count()
        announcement = LectureAnnouncement.objects.create(
            lecture=lecture, subject=subject, body=body, audience=audience, sent_by=user, recipient_count=count
        )
        transaction.on_commit(lambda: send_announcement.enqueue(announcement.pk))
    return announcement


def announcement_recipients(announcement: LectureAnnouncement):
    """The registrations an announcement goes to."""
    statuses = list(ACTIVE) if announcement.audience == "all" else [announcement.audience]
    return Registration.objects.filter(
        lecture_id=announcement.lecture_id, status__in=statuses, anonymised_at__isnull=True
    ).order_by("pk")


# ---- reacting to the organiser's edits ------------------------------------------------------


def record_published_details(lecture_id: int) -> str | None:
    """After a publish: if time, place or status changed, bump the invitation and queue notices.

    Returns the kind of notice queued ("changed" or "lecture_cancelled"), or None.
    """
    from lectures.tasks import send_lecture_notices

    with transaction.atomic():
        lecture = _lock_lecture(lecture_id)
        state = _state(lecture)
        details = lecture.notified_details()
        previous = state.notified_details or {}
        if details == previous:
            return None
        changed = sorted(name for name in details if details[name] != previous.get(name))
        state.notified_details = details
        if not previous:
            state.save(update_fields=["notified_details"])
            return None
        state.ics_sequence += 1
        state.save(update_fields=["notified_details", "ics_sequence"])
        if changed == ["title"]:
            return None  # a new title alone is not worth an email; the next invitation carries it
        kind = "lecture_cancelled" if lecture.status == LectureStatus.CANCELLED else "changed"
        if Registration.objects.filter(lecture=lecture, status__in=ACTIVE).exists():
            transaction.on_commit(lambda: send_lecture_notices.enqueue(lecture_id, kind, changed))
    return kind


# ---- scheduled work -------------------------------------------------------------------------


def due_reminders(now: datetime | None = None, *, hours: int = 24):
    """Confirmed registrations for lectures starting within `hours` that have had no reminder yet."""
    now = now or timezone.now()
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        anonymised_at__isnull=True,
        lecture__live=True,
        lecture__status=LectureStatus.SCHEDULED,
        lecture__start__gt=now,
        lecture__start__lte=now + timedelta(hours=hours),
    ).order_by("lecture__start", "pk")


def send_due_reminders(
    now: datetime | None = None, *, hours: int = 24, progress: Callable[[int], None] | None = None
) -> int:
    """Send each due reminder once; returns how many were sent."""
    from lectures.emails import send_registration_email

    now = now or timezone.now()
    sent = 0
    for registration_id in list(due_reminders(now, hours=hours).values_list("pk", flat=True)):
        # Claim the row first, so two overlapping runs never send the same reminder twice.
        claimed = Registration.objects.filter(pk=registration_id, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if claimed:
            try:
                send_registration_email(registration_id, "reminder")
                sent += 1
            except Exception:
                logger.exception("Reminder for registration %s failed; it will be retried", registration_id)
                Registration.objects.filter(pk=registration_id).update(reminder_sent_at=None)
        if progress:
            progress(1)
    return sent


def send_recording_notices(lecture_id: int, *, now: datetime | None = None) -> int:
    """Tell the registrants who asked for it that the recording is online; each person once."""
    from lectures.emails import send_registration_email

    now = now or timezone.now()
    lecture = LecturePage.objects.filter(pk=lecture_id, live=True).first()
    if lecture is None or not lecture.has_recording:
        return 0
    LectureState.objects.get_or_create(lecture=lecture)
    LectureState.objects.filter(lecture=lecture).update(recording_notice_sent_at=now)
    sent = 0
    candidates = Registration.objects.filter(
        lecture=lecture,
        wants_recording_notice=True,
        recording_notice_sent_at__isnull=True,
        anonymised_at__isnull=True,
        status__in=ACTIVE,
    ).values_list("pk", flat=True)
    for registration_id in list(candidates):
        if Registration.objects.filter(pk=registration_id, recording_notice_sent_at__isnull=True).update(
            recording_notice_sent_at=now
        ):
            try:
                send_registration_email(registration_id, "recording")
                sent += 1
            except Exception:
                logger.exception("Recording notice for registration %s failed", registration_id)
                Registration.objects.filter(pk=registration_id).update(recording_notice_sent_at=None)
    return sent


def _anonymise(queryset, now: datetime) -> int:
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
            done += _anonymise(Registration.objects.filter(pk__in=batch), now)
        if progress:
            progress(len(batch))
    return done
