"""Opening a PDF leniently and reading its pages, metadata and text (inside a worker process)."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef

from publications.pdf.checks import PDF_SIGNATURE, has_pdf_signature
from publications.pdf.device import PageTextDevice
from publications.pdf.interpreter import TextInterpreter
from publications.pdf.limits import (
    MESSAGES,
    ExtractionLimits,
    ExtractionResult,
    failure,
    human_size,
    limit_params,
    pages_phrase,
)
from publications.pdf.metadata import read_metadata
from publications.pdf.text import join_hyphenated_words, strip_running_lines

logger = logging.getLogger(__name__)

# Fewer visible characters than this per page, on average, and the document is treated as a scan:
# page numbers alone are not a text layer, while a one-line note ("Secret!") still counts as text.
NO_TEXT_CHARS_PER_PAGE = 5


def extract_file(path: Path, limits: ExtractionLimits) -> ExtractionResult:
    """Read one file in this (limited) process: hash, checks, pages, metadata (the parent adds the language)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        logger.warning("Cannot read %s: %s", path, exc)
        return failure("damaged", "", "unreadable")
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > limits.max_bytes:
        return failure("too_large", digest, size=human_size(len(data)), **limit_params(limits))
    if not has_pdf_signature(data):
        return failure("not_pdf", digest)
    return read_pdf_bytes(data, digest)


def read_pdf_bytes(data: bytes, digest: str) -> ExtractionResult:
    """Parse a PDF held in memory and read its pages; one broken page costs only its own text."""
    try:
        document = open_document(data)
    except PDFPasswordIncorrect:
        return failure("encrypted", digest)
    except PDFEncryptionError:
        return failure("encrypted", digest, "encrypted_unsupported")
    except MemoryError:
        raise
    except Exception as exc:  # RecursionError included: cross-reference tables that point in a loop
        logger.info("Cannot parse PDF structure: %s: %s", type(exc).__name__, exc)
        return failure("damaged", digest)

    metadata = read_metadata(document)
    manager = PDFResourceManager(caching=True)
    device = PageTextDevice(manager)
    interpreter = TextInterpreter(manager, device)
    pages: list[str] = []
    failed_pages: list[int] = []
    undefined = 0
    try:
        for page in PDFPage.create_pages(document):
            try:
                interpreter.process_page(page)
                pages.append(device.text)
            except MemoryError:
                raise
            except Exception as exc:
                # One broken page should not cost the others; the device is rebuilt because the
                # interpreter may have stopped half-way through a figure.
                logger.info("Page %d unreadable: %s: %s", len(pages) + 1, type(exc).__name__, exc)
                pages.append("")
                failed_pages.append(len(pages))
                undefined += device.undefined
                device = PageTextDevice(manager)
                interpreter = TextInterpreter(manager, device)
            else:
                undefined += device.undefined
    except MemoryError:
        raise
    except Exception as exc:
        # The page tree itself broke part-way: keep the pages read so far, if any.
        logger.info("Page tree unreadable after %d pages: %s: %s", len(pages), type(exc).__name__, exc)
        if not pages:
            return failure("damaged", digest)

    if not pages:
        return failure("damaged", digest, "no_pages")
    ok = len(pages) - len(failed_pages)
    visible = sum(len(text) - text.count(" ") - text.count("\n") for text in pages)
    if visible < NO_TEXT_CHARS_PER_PAGE * ok or (failed_pages and not visible):
        if failed_pages:
            return failure("damaged", digest)  # what could be read holds nothing; the rest is broken
        if document.encryption is not None:
            key = "encrypted_no_text"
        elif undefined > visible:
            key = "no_text_fonts"
        else:
            key = "no_text"
        # The page count and the document information still help whoever fills in the form.
        return replace(failure("no_text", digest, key), page_count=len(pages), metadata=metadata)

    pages = strip_running_lines(join_hyphenated_words(pages))
    if failed_pages:
        message = MESSAGES["done_partial"].format(
            ok=ok, pages=pages_phrase(len(pages)), failed=", ".join(map(str, failed_pages))
        )
    else:
        message = MESSAGES["done"].format(pages=pages_phrase(len(pages)))
    return ExtractionResult(
        status="done",
        reason="",
        message=message,
        pages=pages,
        page_count=len(pages),
        metadata=metadata,
        language=None,  # detected by the parent, which loads langdetect's profiles once, not per worker
        sha256=digest,
    )


class LenientParser(PDFParser):
    """pdfminer's parser, except that a stream without a /Length is read up to its endstream.

    pdfminer reads such a stream as empty; other readers (poppler, pdf.js) look for endstream.
    """

    def do_keyword(self, pos: int, token: Any) -> None:
        """pdfminer's, with its fallback mode for a stream whose /Length is missing or not a number."""
        if token is self.KEYWORD_STREAM and not self.fallback and self.curstack:
            attributes = self.curstack[-1][1]
            # Only direct values are checked: resolving a reference here would move this very parser.
            if isinstance(attributes, dict) and not isinstance(attributes.get("Length"), (int, PDFObjRef)):
                self.fallback = True  # pdfminer's own recovery mode, for this one stream
                try:
                    super().do_keyword(pos, token)
                finally:
                    self.fallback = False
                return
        super().do_keyword(pos, token)


def open_document(data: bytes) -> PDFDocument:
    """Parse the document structure; with junk before the header, offsets usually count from the header."""
    start = data.find(PDF_SIGNATURE)
    if start > 0:
        try:
            return PDFDocument(LenientParser(io.BytesIO(data[start:])), password="")
        except (MemoryError, PDFEncryptionError):
            raise
        except Exception as exc:
            logger.info("Not readable from its header at byte %d (%s); trying the whole file", start, exc)
    return PDFDocument(LenientParser(io.BytesIO(data)), password="")
