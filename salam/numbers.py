"""Reading numbers that visitors type into URLs and forms.

Python's ``str.isdigit()`` and ``int()`` accept far more than a visitor means by a number:
superscripts ("²" is a digit that ``int`` refuses), other scripts' digits ("२०२४" is 2024 to
``int`` but not to Elasticsearch or the database) and numbers of thousands of digits. Only plain
ASCII digits, of a sensible length, are numbers here; everything else is "not a number".
"""

from __future__ import annotations

import re

from django.urls.converters import IntConverter

#: Enough for any database id (a signed 64-bit integer has 19 digits).
MAX_DIGITS = 18
_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}")


def parse_int(text: object, *, low: int | None = None, high: int | None = None) -> int | None:
    """The integer ``text`` spells in ASCII digits (optionally signed), if it lies in [low, high]; else None."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    text = str(text).strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


class IdConverter(IntConverter):
    """``<id:pk>`` in URL patterns: a database id of at most MAX_DIGITS ASCII digits (longer is a 404)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"
