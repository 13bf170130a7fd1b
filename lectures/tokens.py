"""Signed links in registrants' emails: cancel a registration, or delete one's details.

A link names the registration and a digest of its email address, so it stops working once the
row is anonymised. Cancel links expire when the lecture ends; delete links when the retention
period does (after that the details are gone anyway).
"""

import hashlib

from django.core import signing

from lectures.exceptions import RegistrationError

CANCEL_SALT = "lectures.registration.cancel"
FORGET_SALT = "lectures.registration.forget"


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def make_token(registration_id: int, email: str, *, salt: str = CANCEL_SALT) -> str:
    """Sign a registration id and its email's digest for a link."""
    return signing.dumps({"r": registration_id, "e": _email_digest(email)}, salt=salt, compress=True)


def read_token(token: str, *, salt: str = CANCEL_SALT) -> tuple[int, str]:
    """Return (registration id, email digest) from a link, or raise RegistrationError("link_invalid")."""
    try:
        payload = signing.loads(token, salt=salt)
        return int(payload["r"]), str(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RegistrationError("link_invalid") from exc


def email_matches(email: str, digest: str) -> bool:
    """Whether the registration still carries the address the link was made for."""
    return bool(email) and _email_digest(email) == digest
