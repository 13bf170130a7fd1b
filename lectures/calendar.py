"""iCalendar files: invitations for registrants (METHOD:REQUEST / CANCEL) and the public feed (PUBLISH).

Invitations carry the joining link of an online lecture; public files never do.
"""

from collections.abc import Iterable
from datetime import UTC, date, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from lectures.models import LecturePage, LectureStatus, Registration
from lectures.times import venue_time_text

PRODID = "-//SALAM knowledge hub//Lectures//EN"
STATUS = {
    LectureStatus.SCHEDULED: "CONFIRMED",
    LectureStatus.POSTPONED: "TENTATIVE",
    LectureStatus.CANCELLED: "CANCELLED",
}


def _uid_domain() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "salam-hub.example"


def invitation_uid(lecture: LecturePage) -> str:
    """The UID of a lecture's invitations: the same for every registrant and every update."""
    return f"lecture-{lecture.pk}@{_uid_domain()}"


def public_uid(lecture: LecturePage) -> str:
    """A different UID for the public feed, so subscribing never overwrites someone's invitation."""
    return f"lecture-{lecture.pk}-public@{_uid_domain()}"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _finish(calendar: Calendar, first: date | None) -> bytes:
    first_date = (first - timedelta(days=366)) if first else date(1970, 1, 1)
    calendar.add_missing_timezones(first_date=first_date, last_date=first_date + timedelta(days=366 * 4))
    return calendar.to_ical()


def _event(lecture: LecturePage, *, uid: str, sequence: int, page_url: str, joining_link: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("sequence", sequence)
    event.add("summary", lecture.title)
    event.add("dtstart", lecture.local_start)
    event.add("dtend", lecture.local_end)
    location = lecture.venue.strip().replace("\r\n", ", ").replace("\n", ", ")
    if lecture.online:
        location = f"{location} and online" if location else "Online"
    event.add("location", location)
    event.add("status", STATUS.get(lecture.status, "CONFIRMED"))
    speakers = ", ".join(link.speaker.name for link in lecture.lecture_speakers.all())
    # Calendar apps show DTSTART in the reader's zone; the description keeps the venue's clock.
    description = [f"When: {venue_time_text(lecture.start, lecture.timezone, lecture.end)}", lecture.abstract.strip()]
    if speakers:
        description.insert(1, f"Speakers: {speakers}")
    if joining_link:
        description.append(f"Join online: {joining_link}")
    if page_url:
        description.append(f"Details: {page_url}")
        event.add("url", page_url)
    event.add("description", "\n\n".join(part for part in description if part))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "SALAM knowledge hub")
    event.add("organizer", organizer)
    return event


def invitation(
    lecture: LecturePage, registration: Registration, *, sequence: int, page_url: str, cancel: bool = False
) -> bytes:
    """A calendar invitation for one registrant; cancel=True withdraws it (METHOD:CANCEL)."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    joining_link = lecture.joining_link if (lecture.online and not cancel) else ""
    event = _event(
        lecture, uid=invitation_uid(lecture), sequence=sequence, page_url=page_url, joining_link=joining_link
    )
    if cancel:
        event["status"] = vText("CANCELLED")
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return _finish(calendar, lecture.start.date())


def public_calendar(lectures: Iterable[tuple[LecturePage, str]], *, name: str = "SALAM lectures") -> bytes:
    """A subscribable calendar of lectures (given with their public URLs); no joining links."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    first = None
    for lecture, page_url in lectures:
        calendar.add_component(_event(lecture, uid=public_uid(lecture), sequence=0, page_url=page_url))
        first = min(first, lecture.start.date()) if first else lecture.start.date()
    return _finish(calendar, first)


def parse(ics: bytes) -> Calendar:
    """Read an iCalendar file back (used by tests and by anyone checking an invitation)."""
    return Calendar.from_ical(ics)
