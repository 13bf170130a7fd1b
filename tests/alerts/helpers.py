"""Shared by the alerts tests: reading the links out of the emails sent."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail

LINK = re.compile(r"http://testserver(/alerts/(?:confirm|unsubscribe)/[^/\s]+/)")


def links_in(message, kind: str) -> list[str]:
    """The paths of the alert links of one kind ('confirm' or 'unsubscribe') in a message's text body."""
    return [path for path in LINK.findall(message.body) if path.startswith(f"/alerts/{kind}/")]


def only_link(kind: str, *, message=None) -> str:
    """The one link of this kind in the last email (or ``message``)."""
    message = message or mail.outbox[-1]
    found = sorted(set(links_in(message, kind)))
    assert len(found) == 1, message.body
    return found[0]


def path_of(url: str) -> str:
    """The path of an absolute link."""
    return urlsplit(url).path
