"""Models of the lectures app (pages and snippets in pages.py, registrations in registrations.py)."""

from lectures.models.pages import (
    NOTIFIED_FIELDS,
    LectureCountryTag,
    LectureGCMTag,
    LectureIndexPage,
    LecturePage,
    LectureSeries,
    LectureSpeaker,
    LectureStatus,
    LectureThemeTag,
    Speaker,
    timezone_choices,
)
from lectures.models.registrations import (
    LectureAnnouncement,
    LectureState,
    Registration,
    RegistrationStatus,
    Role,
    normalise_email,
)

__all__ = [
    "NOTIFIED_FIELDS",
    "LectureAnnouncement",
    "LectureCountryTag",
    "LectureGCMTag",
    "LectureIndexPage",
    "LecturePage",
    "LectureSeries",
    "LectureSpeaker",
    "LectureState",
    "LectureStatus",
    "LectureThemeTag",
    "Registration",
    "RegistrationStatus",
    "Role",
    "Speaker",
    "normalise_email",
    "timezone_choices",
]
