"""{% attendance_figures as attendance %}: registrations and attendance at the lectures held (home page)."""

from django import template

from lectures.services.figures import AttendanceFigures, attendance_figures

register = template.Library()


@register.simple_tag(name="attendance_figures")
def attendance_figures_tag() -> AttendanceFigures:
    """The live counts from lectures.services.figures (salam's home page may not import lectures)."""
    return attendance_figures()
