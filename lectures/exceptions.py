"""Domain errors of the lectures app, with every message a person reads kept in one place."""

MESSAGES = {
    "lecture_not_found": "We could not find that lecture. It may have been moved or withdrawn.",
    "lecture_cancelled": "This lecture has been cancelled, so registration is closed.",
    "lecture_postponed": "This lecture has been postponed. Registration will reopen when the new date is announced.",
    "not_open_yet": "Registration opens on {opens}.",
    "closed": "Registration for this lecture closed on {closes}.",
    "closed_by_organiser": "The organisers have closed registration for this lecture.",
    "lecture_started": "This lecture has already started, so registration is closed.",
    "invalid_details": "Please check your details: {problems}",
    "consent_missing": "Please agree to the use of your details for this lecture; we cannot register you without it.",
    "link_invalid": "This link is not valid. It may have been copied incompletely. Nothing was changed.",
    "link_expired": "This link has expired because the lecture has already taken place. Nothing was changed.",
    "already_cancelled": "This registration was already cancelled. Nothing was changed.",
    "anonymised": "The details of this registration have already been deleted. Nothing was changed.",
    "registration_not_found": "We could not find that registration. Nothing was changed.",
    "honeypot": (
        "Your registration could not be accepted because a field meant to stay empty was filled in. "
        "If you are a person, please leave the field labelled 'Leave this field empty' blank and try again."
    ),
    "rate_limited": (
        "Too many registration attempts came from your connection or for this email address. "
        "Please wait an hour and try again, or write to the organisers."
    ),
}


class LectureError(Exception):
    """Base of the lectures app's errors: `message` is for people, `code` for code and tests."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


class RegistrationError(LectureError):
    """A registration, cancellation or promotion could not be done; nothing was changed."""
