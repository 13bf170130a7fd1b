"""Signed links in alert emails: confirm a subscription (expires), and unsubscribe (does not).

A link names the subscription and a digest of its address, so a link made for one address never
acts on another; confirmation links also carry the frequency asked for, so confirming a second
request with another frequency switches to it.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core import signing

from alerts.exceptions import AlertError

CONFIRM_SALT = "alerts.subscription.confirm"
UNSUBSCRIBE_SALT = "alerts.subscription.unsubscribe"


def email_digest(email: str) -> str:
    """A short digest of an address, so links do not carry the address itself."""
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def make_confirm_token(subscription_id: int, email: str, frequency: str) -> str:
    """Sign a subscription id, its address's digest and the frequency asked for."""
    return signing.dumps({"s": subscription_id, "e": email_digest(email), "f": frequency}, salt=CONFIRM_SALT)


def read_confirm_token(token: str, *, max_age: datetime.timedelta) -> tuple[int, str, str]:
    """(subscription id, email digest, frequency) from a confirmation link; AlertError when bad or old."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
        return int(payload["s"]), str(payload["e"]), str(payload["f"])
    except signing.SignatureExpired as exc:
        raise AlertError("link_expired") from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise AlertError("link_invalid") from exc


def make_unsubscribe_token(subscription_id: int, email: str) -> str:
    """Sign a subscription id and its address's digest for the unsubscribe link."""
    return signing.dumps({"s": subscription_id, "e": email_digest(email)}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(subscription id, email digest) from an unsubscribe link; AlertError("link_invalid") when bad."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(payload["s"]), str(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise AlertError("link_invalid") from exc
