"""Lecture workflows, one module per workflow; the background tasks live beside the work they run.

`seats` (register, cancel, the waiting list), `links` (signed links in emails), `organisers`
(closing registration, check-in, messages), `publishing` (reacting to a publish), `reminders`
(scheduled mail), `anonymisation` (the retention period), `figures` (registrations and attendance
for the home page) and `queries` (the hand-written SQL).
Everything public is importable from `lectures.services` as before the split.
"""

from lectures.services.anonymisation import anonymise, anonymise_past_registrations, registrations_to_anonymise
from lectures.services.figures import AttendanceFigures, attendance_figures
from lectures.services.links import cancel_by_token, forget_by_token, registration_from_token, retention_deadline
from lectures.services.organisers import (
    announcement_recipients,
    email_registrants,
    send_announcement,
    set_checked_in,
    set_registration_closed,
)
from lectures.services.publishing import record_published_details, send_lecture_notices
from lectures.services.reminders import (
    due_reminders,
    send_due_reminders,
    send_lecture_reminders,
    send_recording_notices,
    send_recording_notices_now,
)
from lectures.services.seats import (
    ACTIVE,
    REGISTRANT_FIELDS,
    RULE_FIELDS,
    Outcome,
    RegistrantDetails,
    RegistrationResult,
    SeatCounts,
    cancel,
    lock_lecture,
    promote_from_waiting_list,
    register,
    registration_problem,
    seat_counts,
    seats_left,
    send_registration_email,
    state_of,
    waiting_position,
)

__all__ = [
    "ACTIVE",
    "REGISTRANT_FIELDS",
    "RULE_FIELDS",
    "AttendanceFigures",
    "Outcome",
    "RegistrantDetails",
    "RegistrationResult",
    "SeatCounts",
    "announcement_recipients",
    "anonymise",
    "anonymise_past_registrations",
    "attendance_figures",
    "cancel",
    "cancel_by_token",
    "due_reminders",
    "email_registrants",
    "forget_by_token",
    "lock_lecture",
    "promote_from_waiting_list",
    "record_published_details",
    "register",
    "registration_from_token",
    "registration_problem",
    "registrations_to_anonymise",
    "retention_deadline",
    "seat_counts",
    "seats_left",
    "send_announcement",
    "send_due_reminders",
    "send_lecture_notices",
    "send_lecture_reminders",
    "send_recording_notices",
    "send_recording_notices_now",
    "send_registration_email",
    "set_checked_in",
    "set_registration_closed",
    "state_of",
    "waiting_position",
]
