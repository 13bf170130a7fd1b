"""Errors of the alerts app, each with a message a person can read, kept together."""

MESSAGES = {
    "link_invalid": "This link is not valid. Please copy the whole link from the email, or subscribe again.",
    "link_expired": "This confirmation link has expired. Please subscribe again; we will send a new link.",
    "not_found": "This alert no longer exists: it was cancelled, or never confirmed in time.",
    "rate_limited": "Too many alert requests from here in a short time. Please wait a while and try again.",
    "honeypot": "Your request could not be accepted. Please leave the last field empty and try again.",
}


class AlertError(Exception):
    """A request about an alert that cannot be done; ``message`` says why, for the visitor."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.message = MESSAGES[code]
        super().__init__(self.message)
