"""The one way templates show a lecture time: ``{% venue_time start zone end=... %}``."""

from datetime import datetime

from django import template

from lectures.times import venue_time_parts

register = template.Library()


@register.inclusion_tag("lectures/includes/venue_time.html")
def venue_time(start: datetime | None, zone: str, end: datetime | None = None) -> dict:
    """Start (and end) at the venue with a readable zone, enhanced with the visitor's own time by script."""
    if start is None:
        return {"parts": None}
    return {"parts": venue_time_parts(start, zone, end)}
