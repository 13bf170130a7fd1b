"""Checks that need no PDF parsing: the file's hash, its signature, an upload's size."""

from __future__ import annotations

import hashlib
import os
from typing import IO

from publications.pdf.limits import MESSAGES, human_size

PDF_SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024  # how much of a file's head is read to judge it
# What may come before the header: a UTF-8 byte-order mark, then a few bytes of PDF white space (a
# file saved by a text tool). Anything else (a banner, a zip, a renamed file) means it is not a PDF.
_BOM = b"\xef\xbb\xbf"
_LEADING_WHITESPACE = b" \t\r\n\f\x00"
MAX_LEADING_WHITESPACE = 8


def sha256_of_file(path: str | os.PathLike[str]) -> str:
    """The hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def has_pdf_signature(head: bytes) -> bool:
    """True when the file starts with the %PDF- header (after at most a BOM and a few bytes of white space)."""
    body = head.removeprefix(_BOM)
    stripped = body.lstrip(_LEADING_WHITESPACE)
    return len(body) - len(stripped) <= MAX_LEADING_WHITESPACE and stripped.startswith(PDF_SIGNATURE)


def validate_pdf_upload(fileobj: IO[bytes], max_bytes: int) -> None:
    """Reject an upload that is empty, too large or not a PDF; the file position is restored."""
    from django.core.exceptions import ValidationError

    position = fileobj.tell()
    try:
        size = getattr(fileobj, "size", None)
        if size is None:
            size = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(0)
        head = fileobj.read(SIGNATURE_WINDOW)
    finally:
        fileobj.seek(position)
    if not head:
        raise ValidationError(MESSAGES["upload_empty"], code="empty")
    if size > max_bytes:
        raise ValidationError(
            MESSAGES["upload_too_large"].format(size=human_size(size), limit=human_size(max_bytes)),
            code="too_large",
        )
    if not has_pdf_signature(head):
        raise ValidationError(MESSAGES["upload_not_pdf"], code="not_pdf")
