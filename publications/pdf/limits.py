"""What an extraction may cost, how it ends, and every sentence a researcher reads about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_MB = 768
DEFAULT_MAX_UPLOAD_MB = 50

Status = Literal["done", "failed"]
FAILURE_REASONS = frozenset(
    # "interrupted" and "missing_file" are set by publications.services (the sweeper, a file gone from
    # storage), not by the reader itself.
    {"encrypted", "damaged", "no_text", "too_large", "timeout", "memory", "not_pdf", "interrupted", "missing_file"}
)

# Every sentence a researcher may read about extraction or upload checks, in one place.
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "done": "Text was extracted from {pages}.",
        "done_partial": "Text was extracted from {ok} of {pages}; page(s) {failed} could not be read.",
        "encrypted": "The PDF is password-protected. Upload a copy without a password.",
        "encrypted_unsupported": (
            "The PDF is protected by a kind of encryption that cannot be opened here. "
            "Save an unprotected copy (for example with “Print to PDF”) and upload that."
        ),
        "encrypted_no_text": (
            "The PDF is encrypted and no readable text came out of it. "
            "Upload a copy without a password or other protection."
        ),
        "damaged": (
            "The PDF is damaged and could not be read. "
            "Export it again from the original document and upload the new copy."
        ),
        "no_pages": (
            "No pages could be found in this PDF; it is probably damaged. "
            "Export it again from the original document and upload the new copy."
        ),
        "crashed": (
            "The PDF made the text reader stop unexpectedly; it is probably damaged. "
            "Export it again from the original document and upload the new copy."
        ),
        "unreadable": "The uploaded file could not be read from storage. Upload it again.",
        "no_text": (
            "No text layer was found: this looks like a scanned document. Run OCR on it and upload the result."
        ),
        "no_text_fonts": (
            "The PDF's fonts do not say which letters they draw, so no readable text could be extracted. "
            "Run OCR on it and upload the result."
        ),
        "too_large": (
            "The PDF is {size}, more than the {limit} limit. Compress it or split it into parts, and upload it again."
        ),
        "timeout": (
            "Extraction took longer than {timeout_s} seconds and was stopped. "
            "The PDF may be unusually complex; exporting it again (or running OCR on it) usually helps."
        ),
        "memory": (
            "Extraction needed more than {memory_mb} MB of memory and was stopped. "
            "The PDF may be unusually complex; exporting it again (or compressing it) usually helps."
        ),
        "not_pdf": (
            "This file is not a PDF: it does not start with the PDF signature. "
            "Upload the PDF itself, not a renamed file of another type."
        ),
        "missing_file": "The PDF file is missing from storage. Upload it again.",
        "interrupted": (
            "Reading this PDF was interrupted {attempts} times: the background worker stopped before it finished "
            "(it was restarted, or lost its database connection). The PDF itself may be fine. "
            "Use “Re-run extraction” to try again; if it is interrupted again, tell the site's administrators."
        ),
        "upload_empty": "The file is empty. Choose the PDF again and upload it.",
        "upload_not_pdf": (
            "This file is not a PDF: it does not start with the PDF signature. "
            "Choose the PDF itself, not a renamed file of another type."
        ),
        "upload_too_large": "The file is {size}; PDFs may be at most {limit}. Compress it or split it.",
    }
)


@dataclass(frozen=True)
class ExtractionLimits:
    """Per-file limits for one extraction: wall-clock seconds, address space, upload size."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    max_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.memory_mb <= 0 or self.max_bytes <= 0:
            raise ValueError(f"Extraction limits must be positive: {self!r}")

    @classmethod
    def from_settings(cls) -> ExtractionLimits:
        """Limits from PDF_EXTRACT_TIMEOUT_S, PDF_EXTRACT_MEMORY_MB and PDF_MAX_UPLOAD_MB."""
        from django.conf import settings

        return cls(
            timeout_s=float(getattr(settings, "PDF_EXTRACT_TIMEOUT_S", DEFAULT_TIMEOUT_S)),
            memory_mb=int(getattr(settings, "PDF_EXTRACT_MEMORY_MB", DEFAULT_MEMORY_MB)),
            max_bytes=int(getattr(settings, "PDF_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024,
        )


@dataclass(frozen=True)
class ExtractionResult:
    """How one file ended: its text per page and metadata, or why it could not be read."""

    status: Status
    reason: str
    message: str
    pages: list[str] = field(default_factory=list)
    page_count: int = 0
    metadata: dict[str, str | None] = field(default_factory=dict)
    language: str | None = None
    sha256: str = ""


def failure(reason: str, sha256: str, message_key: str | None = None, **params: object) -> ExtractionResult:
    """A failed result: its reason and the message a researcher reads (MESSAGES[message_key or reason])."""
    assert reason in FAILURE_REASONS, reason
    message = MESSAGES[message_key or reason].format(**params)
    return ExtractionResult(status="failed", reason=reason, message=message, sha256=sha256)


def limit_params(limits: ExtractionLimits) -> dict[str, object]:
    """The limits as the failure messages name them."""
    return {
        "timeout_s": f"{limits.timeout_s:g}",
        "memory_mb": limits.memory_mb,
        "limit": human_size(limits.max_bytes),
    }


def human_size(size: int) -> str:
    """A file size as a person writes it: 12 KB, 3.5 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def pages_phrase(count: int) -> str:
    """ "1 page" or "N pages"."""
    return "1 page" if count == 1 else f"{count} pages"
