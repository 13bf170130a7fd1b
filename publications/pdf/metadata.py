"""The document information dictionary: title, author, dates and the rest, as plain strings."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral, literal_name
from pdfminer.utils import decode_text

from publications.pdf.text import clean_text

logger = logging.getLogger(__name__)

_INFO_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
}
_DATE_KEYS = {"CreationDate": "created", "ModDate": "modified"}
_METADATA_MAX_CHARS = 2000
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}")
_PDF_DATE = re.compile(
    r"^\s*(?:D\s*:)?\s*(?P<year>\d{4})(?P<month>\d{2})?(?P<day>\d{2})?"
    r"(?P<hour>\d{2})?(?P<minute>\d{2})?(?P<second>\d{2})?"
    r"\s*(?:(?P<tz>[Zz+\-])\s*(?P<tzh>\d{1,2})?\s*'?\s*(?P<tzm>\d{2})?'?)?"
)


def read_metadata(document: Any) -> dict[str, str | None]:
    """The document information dictionary as plain strings; dates as ISO 8601 where they parse."""
    merged: dict[str, Any] = {}
    # pdfminer lists the newest trailer's /Info first; an older value only fills a gap.
    for info in getattr(document, "info", []) or []:
        try:
            for key, value in dict(resolve1(info)).items():
                merged.setdefault(str(key), value)
        except Exception as exc:
            logger.info("Unreadable /Info dictionary: %s", exc)
    metadata: dict[str, str | None] = {}
    for key, name in _INFO_KEYS.items():
        metadata[name] = _metadata_text(merged.get(key))
    for key, name in _DATE_KEYS.items():
        metadata[name] = parse_pdf_date(_metadata_text(merged.get(key)))
    return metadata


def _metadata_text(value: Any) -> str | None:
    try:
        value = resolve1(value)
        if isinstance(value, bytes):
            text = _decode_pdf_string(value)
        elif isinstance(value, PSLiteral):
            text = literal_name(value)
        elif isinstance(value, (str, int, float)):
            text = str(value)
        else:
            return None
    except Exception:
        return None
    text = clean_text(text).strip()[:_METADATA_MAX_CHARS]
    return text or None


def _decode_pdf_string(value: bytes) -> str:
    if value.startswith((b"\xfe\xff", b"\xff\xfe")):
        return value.decode("utf-16", "replace")
    if value.startswith(b"\xef\xbb\xbf"):  # PDF 2.0 allows UTF-8 with a BOM
        return value[3:].decode("utf-8", "replace")
    return decode_text(value)


def parse_pdf_date(value: str | None) -> str | None:
    """Turn a PDF date (D:YYYYMMDDHHmmSSOHH'mm') or an ISO string into ISO 8601; None if it is garbage."""
    if not value:
        return None
    if _ISO_DATE.match(value):  # some producers write XMP-style dates into /Info
        try:
            return datetime.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    match = _PDF_DATE.match(value)
    if match is None:
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None and k not in ("tz",)}
    try:
        moment = datetime(
            parts["year"],
            parts.get("month", 1),
            parts.get("day", 1),
            parts.get("hour", 0),
            parts.get("minute", 0),
            parts.get("second", 0),
        )
    except ValueError:
        return None
    sign = match.group("tz")
    if sign in ("Z", "z"):
        moment = moment.replace(tzinfo=UTC)
    elif sign in ("+", "-") and "tzh" in parts:
        offset = timedelta(hours=parts["tzh"], minutes=parts.get("tzm", 0))
        if offset < timedelta(hours=15):
            moment = moment.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return moment.isoformat()
