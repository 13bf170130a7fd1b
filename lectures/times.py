"""Lecture times as people read them: the clock at the venue with a readable zone, e.g. "16:00 Dhaka time".

Every page, email and calendar description shows times through these functions (templates through
the ``venue_time`` tag in ``lectures.templatetags.lecture_times``), so a time never appears in the
server's zone. The visitor's own time is added in the browser (lectures/local_times.js).
"""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.utils.dateformat import format as format_date

DATE_AND_TIME = "D j F Y, H:i"
TIME_ONLY = "H:i"
# Zone names that name no place: shown as an offset from UTC instead of "<place> time".
PLACELESS_PREFIXES = ("Etc/", "UTC", "GMT", "UCT", "Zulu", "Universal", "Greenwich")


def venue_zone(zone_name: str) -> zoneinfo.ZoneInfo:
    """The venue's zone; an unknown name falls back to the server's zone rather than failing a page."""
    try:
        return zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def readable_zone(zone_name: str, moment: datetime) -> str:
    """A zone as people say it: "Asia/Dhaka" -> "Dhaka time"; "Etc/GMT-6" -> "UTC+06:00"."""
    zone = venue_zone(zone_name)
    if zone.key.startswith(PLACELESS_PREFIXES):
        offset = moment.astimezone(zone).strftime("%z")
        return "UTC" if offset in {"+0000", "-0000"} else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{zone.key.rsplit('/', 1)[-1].replace('_', ' ')} time"


def venue_time_parts(start: datetime, zone_name: str, end: datetime | None = None) -> dict:
    """The pieces a template shows: start (and end) at the venue, formatted, and the zone's name."""
    zone = venue_zone(zone_name)
    local_start = start.astimezone(zone)
    parts = {
        "start_iso": local_start.isoformat(),
        "start_text": format_date(local_start, DATE_AND_TIME),
        "end_iso": "",
        "end_text": "",
        "zone_name": zone.key,
        "zone_label": readable_zone(zone.key, start),
    }
    if end is not None:
        local_end = end.astimezone(zone)
        same_day = local_end.date() == local_start.date()
        end_format = TIME_ONLY if same_day else DATE_AND_TIME
        parts.update(end_iso=local_end.isoformat(), end_text=format_date(local_end, end_format))
    return parts


def venue_time_text(start: datetime, zone_name: str, end: datetime | None = None) -> str:
    """Plain text for emails and calendars, e.g. "Thu 5 March 2026, 16:00 to 17:30 Dhaka time"."""
    parts = venue_time_parts(start, zone_name, end)
    span = f"{parts['start_text']} to {parts['end_text']}" if parts["end_text"] else parts["start_text"]
    return f"{span} {parts['zone_label']}"
