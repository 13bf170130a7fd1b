"""The lecture edit form: editors type times as the clock reads at the venue, not the server's zone."""

import zoneinfo

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

VENUE_TIME_FIELDS = ("start", "end", "registration_opens", "registration_closes")


class LecturePageForm(WagtailAdminPageForm):
    """Shows and reads the lecture's times in the venue's time zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = _zone(getattr(self.instance, "timezone", ""))
        if zone is None:
            return
        for name in VENUE_TIME_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and value is not None:
                # A naive value is shown as it is, so the editor sees the venue's wall clock.
                self.initial[name] = value.astimezone(zone).replace(tzinfo=None)
                self.fields[name].help_text = f"{self.fields[name].help_text} ({zone.key})".strip()

    def clean(self):
        cleaned = super().clean()
        zone = _zone(cleaned.get("timezone", ""))
        if zone is None:
            return cleaned
        for name in VENUE_TIME_FIELDS:
            value = cleaned.get(name)
            if value is not None:
                # The field read the typed time in the server's zone; re-read the same clock time at the venue.
                wall_clock = timezone.localtime(value).replace(tzinfo=None)
                cleaned[name] = wall_clock.replace(tzinfo=zone)
        return cleaned


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
