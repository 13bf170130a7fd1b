"""The emails registrants receive: plain text and HTML, with a calendar invitation where it helps.

Every email carries a signed link: to cancel the registration before the lecture ends, or after it
to delete one's details. Joining links of online lectures go to confirmed registrants only.
"""

import logging

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lectures import calendar
from lectures.models import LectureAnnouncement, LecturePage, LectureState, Registration, RegistrationStatus
from lectures.times import venue_time_text
from lectures.tokens import CANCEL_SALT, FORGET_SALT, make_token
from salam.public_urls import public_page_url, public_url

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmation": "You are registered: {title}",
    "waiting": "You are on the waiting list: {title}",
    "promoted": "A seat has become free for you: {title}",
    "reminder": "Reminder: {title} starts soon",
    "changed": "Changed: {title}",
    "lecture_cancelled": "Cancelled: {title}",
    "recording": "The recording is online: {title}",
}
# Which registrations each kind of email may go to (checked again when the task runs).
ALLOWED_STATUSES = {
    "confirmation": {RegistrationStatus.CONFIRMED},
    "promoted": {RegistrationStatus.CONFIRMED},
    "reminder": {RegistrationStatus.CONFIRMED},
    "waiting": {RegistrationStatus.WAITING},
    "changed": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    "lecture_cancelled": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    "recording": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    "announcement": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
}
WITH_JOINING_LINK = {"confirmation", "promoted", "reminder", "changed"}
FIELD_LABELS = {
    "title": "title",
    "start": "start time",
    "end": "end time",
    "timezone": "time zone",
    "venue": "venue",
    "online": "online participation",
    "joining_link": "joining link",
    "status": "status",
}


def lecture_url(lecture: LecturePage) -> str:
    """The lecture page at the hub's public address (settings.WAGTAILADMIN_BASE_URL)."""
    return public_page_url(lecture) or public_url("/")


def cancel_url(registration: Registration) -> str:
    """The signed link that cancels this registration."""
    token = make_token(registration.pk, registration.email, salt=CANCEL_SALT)
    return public_url(reverse("lectures:cancel", args=[token]))


def forget_url(registration: Registration) -> str:
    """The signed link that deletes this registrant's details."""
    token = make_token(registration.pk, registration.email, salt=FORGET_SALT)
    return public_url(reverse("lectures:forget", args=[token]))


def _intro(kind: str, registration: Registration, lecture: LecturePage, extra: dict) -> list[str]:
    when = venue_time_text(lecture.start, lecture.timezone)
    if kind == "confirmation":
        return [f"Your seat at “{lecture.title}” on {when} is confirmed.",
                "The attached invitation adds the lecture to your calendar."]  # fmt: skip
    if kind == "waiting":
        return [f"“{lecture.title}” on {when} is full, so we have put you on the waiting list "
                f"(position {extra.get('position') or '?'}).",
                "If a seat becomes free we will give it to the people on the list in the order they joined, "
                "and email you straight away with a calendar invitation."]  # fmt: skip
    if kind == "promoted":
        return [
            f"Good news: a seat at “{lecture.title}” on {when} has become free and it is yours.",
            "You do not need to do anything. The attached invitation adds the lecture to your calendar.",
        ]
    if kind == "reminder":
        return [f"This is a reminder that “{lecture.title}” starts on {when}."]
    if kind == "changed":
        changed = ", ".join(FIELD_LABELS.get(name, name) for name in extra.get("changed", []))
        lines = [f"The organisers have changed the {changed or 'details'} of “{lecture.title}”.",
                 f"It now takes place on {when}."]  # fmt: skip
        if lecture.status == "postponed":
            lines[1] = "It has been postponed; we will write again when the new date is set."
        if registration.status == RegistrationStatus.CONFIRMED:
            lines.append("The attached invitation updates the event in your calendar.")
        return lines
    if kind == "lecture_cancelled":
        return [f"We are sorry: “{lecture.title}”, planned for {when}, has been cancelled.",
                "The attached cancellation removes it from your calendar."]  # fmt: skip
    if kind == "recording":
        return [f"The recording of “{lecture.title}” is now online, with the slides and the transcript "
                "where the speakers shared them."]  # fmt: skip
    if kind == "announcement":
        return [paragraph.strip() for paragraph in extra["announcement"].body.split("\n\n") if paragraph.strip()]
    raise ValueError(f"Unknown email kind {kind!r}")


def build_email(registration: Registration, kind: str, **extra) -> EmailMultiAlternatives | None:
    """Compose one email for one registrant, or None when it no longer applies to them."""
    if registration.anonymised_at or registration.status not in ALLOWED_STATUSES[kind]:
        return None
    lecture: LecturePage = registration.lecture
    now = timezone.now()
    if kind == "waiting":
        extra.setdefault("position", registration.waiting_position())
    announcement: LectureAnnouncement | None = extra.get("announcement")
    subject = announcement.subject if announcement else SUBJECTS[kind].format(title=lecture.title)
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    context = {
        "kind": kind,
        "subject": subject,
        "registration": registration,
        "lecture": lecture,
        "paragraphs": _intro(kind, registration, lecture, extra),
        "lecture_url": lecture_url(lecture),
        "when": venue_time_text(lecture.start, lecture.timezone, lecture.end),
        "speakers": [link.speaker for link in lecture.lecture_speakers.select_related("speaker")],
        "joining_link": lecture.joining_link if (confirmed and lecture.online and kind in WITH_JOINING_LINK) else "",
        "cancel_url": cancel_url(registration) if not lecture.has_ended(now) else "",
        "holds_seat": confirmed,
        "forget_url": forget_url(registration),
        "deleted_on": lecture.personal_data_deleted_at(),
        "show_details": kind not in {"recording", "lecture_cancelled"},
    }
    text = render_to_string("lectures/emails/message.txt", context)
    html = render_to_string("lectures/emails/message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[registration.email])
    message.attach_alternative(html, "text/html")
    invitation = _invitation(kind, registration, lecture)
    if invitation:
        method = "CANCEL" if kind == "lecture_cancelled" else "REQUEST"
        message.attach("invitation.ics", invitation, f"text/calendar; method={method}; charset=UTF-8")
    return message


def _invitation(kind: str, registration: Registration, lecture: LecturePage) -> bytes | None:
    if registration.status != RegistrationStatus.CONFIRMED:
        return None
    if kind not in {"confirmation", "promoted", "changed", "lecture_cancelled"}:
        return None
    sequence = LectureState.objects.filter(lecture=lecture).values_list("ics_sequence", flat=True).first() or 0
    return calendar.invitation(
        lecture, registration, sequence=sequence, page_url=lecture_url(lecture), cancel=kind == "lecture_cancelled"
    )


def send_registration_email(registration_id: int, kind: str, **extra) -> bool:
    """Build and send one email; False when it no longer applies (e.g. cancelled meanwhile)."""
    registration = Registration.objects.select_related("lecture").filter(pk=registration_id).first()
    if registration is None:
        return False
    message = build_email(registration, kind, **extra)
    if message is None:
        logger.info("Skipped the %s email for registration %s: no longer applies", kind, registration_id)
        return False
    message.send()
    return True


def send_each(registrations, kind: str, **extra) -> int:
    """Send `kind` to each registration over one mail connection; returns how many were sent."""
    sent = 0
    with mail.get_connection() as connection:
        for registration in registrations:
            try:
                message = build_email(registration, kind, **extra)
                if message is not None:
                    message.connection = connection
                    message.send()
                    sent += 1
            except Exception:
                # One bad address must not stop the notice reaching everyone else.
                logger.exception("Could not send the %s email to registration %s", kind, registration.pk)
    return sent
