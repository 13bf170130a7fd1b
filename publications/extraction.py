"""Read the text of uploaded PDFs, page by page, in child processes with time and memory limits.

pdfminer.six is pure Python and trusts its input: a hostile or pathological file can make it loop
for minutes or allocate gigabytes. So every file is read in a worker process that has an
address-space limit (RLIMIT_AS) and is killed when it runs past its wall-clock limit; the parent
only ever sees a finished `ExtractionResult`. Workers are reused across files (starting one costs
about half a second of imports) and replaced whenever one is killed. The language is detected in
the parent on a bounded sample of the text, so langdetect's profiles are loaded once per process.

Speed (measured by ``bench/extract.py``): files are spread over a pool of workers, one per core;
content streams are scanned with one regular expression and only text operators are executed
(pdfminer tokenises byte by byte and also runs every drawing operator); each string is placed as
a whole and joined into lines with pdfminer's LAParams rules for lines and word gaps, without an
LTChar object per glyph; lines are grouped into paragraph boxes and read column by column; the
usual ToUnicode maps are read with one regular expression. The text keeps words separated and
paragraphs together (words hyphenated at line ends are rejoined), which is what search and
highlights need. pdfminer still parses the file structure, fonts and everything unusual.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import logging
import math
import multiprocessing
import os
import re
import signal
import time
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from multiprocessing.connection import Connection, wait
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, Literal

from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfcolor import PREDEFINED_COLORSPACE
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1, stream_value
from pdfminer.psparser import LIT, PSLiteral, literal_name
from pdfminer.utils import decode_text

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

logger = logging.getLogger(__name__)

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

PDF_SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024  # how much of a file's head is read to judge it
# What may come before the header: a UTF-8 byte-order mark, then a few bytes of PDF white space (a
# file saved by a text tool). Anything else (a banner, a zip, a renamed file) means it is not a PDF.
_BOM = b"\xef\xbb\xbf"
_LEADING_WHITESPACE = b" \t\r\n\f\x00"
MAX_LEADING_WHITESPACE = 8

# Fewer visible characters than this per page, on average, and the document is treated as a scan:
# page numbers alone are not a text layer, while a one-line note ("Secret!") still counts as text.
NO_TEXT_CHARS_PER_PAGE = 5
LANGUAGE_MIN_LETTERS = 40
LANGUAGE_SAMPLE_CHARS = 3_000  # langdetect needs far less; its time grows with the sample
LANGUAGE_MIN_PROBABILITY = 0.5

# Layout thresholds, in the units pdfminer's LAParams uses (fractions of glyph size).
LINE_OVERLAP = 0.5
CHAR_MARGIN = 2.0
WORD_MARGIN = 0.1
LINE_MARGIN = 0.5


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


def _failed(reason: str, sha256: str, message_key: str | None = None, **params: object) -> ExtractionResult:
    assert reason in FAILURE_REASONS, reason
    message = MESSAGES[message_key or reason].format(**params)
    return ExtractionResult(status="failed", reason=reason, message=message, sha256=sha256)


def _limit_params(limits: ExtractionLimits) -> dict[str, object]:
    return {
        "timeout_s": f"{limits.timeout_s:g}",
        "memory_mb": limits.memory_mb,
        "limit": _human_size(limits.max_bytes),
    }


def _human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _pages_phrase(count: int) -> str:
    return "1 page" if count == 1 else f"{count} pages"


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
            MESSAGES["upload_too_large"].format(size=_human_size(size), limit=_human_size(max_bytes)),
            code="too_large",
        )
    if not has_pdf_signature(head):
        raise ValidationError(MESSAGES["upload_not_pdf"], code="not_pdf")


def extract_pdf_text(path: str | os.PathLike[str], limits: ExtractionLimits) -> ExtractionResult:
    """Extract one PDF in a child process with the given limits; never raises for a bad file."""
    # list() runs the pool to its end, so its worker has exited before the result is returned.
    [(_path, result)] = list(extract_many([path], limits, workers=1))
    return result


def extract_many(
    paths: Iterable[str | os.PathLike[str]],
    limits: ExtractionLimits,
    workers: int | None = None,
) -> Iterator[tuple[Path, ExtractionResult]]:
    """Extract many PDFs on a pool of limited child processes, yielding (path, result) as each finishes."""
    tasks: list[Path] = []
    for path in map(Path, paths):
        early = _precheck(path, limits)
        if early is None:
            tasks.append(path)
        else:
            _log_outcome(path, early)
            yield path, early
    if not tasks:
        return
    # Biggest files first, so a long book does not start last and leave the other cores idle.
    tasks.sort(key=_size_or_zero, reverse=True)
    count = max(1, min(workers or _available_cores(), len(tasks)))
    pool = _WorkerPool(limits, count)
    try:
        for path, result in pool.run(deque(tasks)):
            if result.status == "done":
                result = replace(result, language=detect_language(result.pages))
            _log_outcome(path, result)
            yield path, result
    finally:
        pool.close()


def _log_outcome(path: Path, result: ExtractionResult) -> None:
    if result.status == "done":
        logger.info("Extracted %s: %d pages, language %s", path, result.page_count, result.language)
    else:
        logger.info("Could not extract %s: %s", path, result.reason)


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sha256_or_empty(path: Path) -> str:
    try:
        return sha256_of_file(path)
    except OSError:
        return ""


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _precheck(path: Path, limits: ExtractionLimits) -> ExtractionResult | None:
    """Answer in the parent what needs no PDF parsing: unreadable, too large, not a PDF."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(SIGNATURE_WINDOW)
        if size > limits.max_bytes:
            return _failed(
                "too_large",
                sha256_of_file(path),
                size=_human_size(size),
                **_limit_params(limits),
            )
        if not has_pdf_signature(head):
            return _failed("not_pdf", sha256_of_file(path))
    except OSError as exc:
        logger.warning("Cannot read %s for extraction: %s", path, exc)
        return _failed("damaged", "", "unreadable")
    return None


# --- the pool of limited workers (parent side) --------------------------------------------------

# How a worker that died without answering is reported: our own exit code after a MemoryError it
# could not report, SIGKILL from the kernel's OOM killer and abort() from a failed allocation all
# mean memory; its own alarm means time; anything else (a segfault in a C extension) means the
# file broke the reader.
_EXIT_MEMORY = 86
_WORKER_START_TIMEOUT_S = 60.0
_WORKER_START_ATTEMPTS = 3
_TASKS_PER_WORKER = 200  # then a fresh process, so caches and heap fragmentation cannot grow for ever
_ALARM_GRACE_S = 5  # the child's own alarm only fires if the parent failed to kill it


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    started_at: float = field(default_factory=time.monotonic)
    task: Path | None = None
    deadline: float = math.inf
    done: int = 0


class _WorkerPool:
    """A fixed number of limited worker processes; a killed or crashed one is replaced."""

    def __init__(self, limits: ExtractionLimits, size: int) -> None:
        self.limits = limits
        self.size = size
        # spawn: the child starts from a clean interpreter, so the memory limit is not eaten by
        # whatever the parent (a Django worker with spaCy loaded) has mapped, and no threads or
        # locks of the parent are copied.
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.start_failures = 0

    def run(self, tasks: deque[Path]) -> Iterator[tuple[Path, ExtractionResult]]:
        while tasks or any(w.task is not None for w in self.workers):
            while tasks and len(self.workers) < self.size:
                self.workers.append(self._start_worker())
            for worker in list(self.workers):
                if worker.ready and worker.task is None and not worker.process.is_alive():
                    self._retire(worker)  # died while idle (killed from outside): no file to blame
                    continue
                if worker.ready and worker.task is None and tasks:
                    self._dispatch(worker, tasks.popleft())
            yield from self._collect()

    def _start_worker(self) -> _Worker:
        parent_conn, child_conn = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main,
            args=(child_conn, self.limits),
            name="pdf-extraction-worker",
            daemon=True,
        )
        process.start()
        child_conn.close()
        return _Worker(process=process, conn=parent_conn)

    def _dispatch(self, worker: _Worker, path: Path) -> None:
        worker.task = path
        worker.deadline = time.monotonic() + self.limits.timeout_s
        # If the worker has just died, its sentinel tells _collect, which reports the file.
        with contextlib.suppress(OSError):
            worker.conn.send(str(path))

    def _collect(self) -> Iterator[tuple[Path, ExtractionResult]]:
        """Wait for the next answer, death or deadline, and yield whatever finished."""
        now = time.monotonic()
        waiting = [w for w in self.workers if w.task is not None or not w.ready]
        if not waiting:
            return
        deadlines = [w.deadline for w in waiting if w.task is not None]
        deadlines += [w.started_at + _WORKER_START_TIMEOUT_S for w in waiting if not w.ready]
        timeout = max(0.0, min(deadlines) - now)
        handles: list[Any] = [w.conn for w in waiting] + [w.process.sentinel for w in waiting]
        ready = set(wait(handles, timeout=timeout))
        now = time.monotonic()
        for worker in waiting:
            if worker.conn in ready:
                yield from self._receive(worker)
            elif worker.process.sentinel in ready:
                yield from self._lost(worker)
            elif worker.task is not None and now >= worker.deadline:
                yield from self._expire(worker)
            elif not worker.ready and now >= worker.started_at + _WORKER_START_TIMEOUT_S:
                self._retire(worker)
                self._count_start_failure("did not start in time")

    def _receive(self, worker: _Worker) -> Iterator[tuple[Path, ExtractionResult]]:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            yield from self._lost(worker)
            return
        if message == "ready":
            worker.ready = True
            self.start_failures = 0
            return
        path, worker.task, worker.deadline = worker.task, None, math.inf
        assert path is not None, "a worker answered without a task"
        worker.done += 1
        if message == "memory":
            # The worker caught a MemoryError; its heap may be fragmented, so it exits and is replaced.
            self._retire(worker)
            yield path, _failed("memory", _sha256_or_empty(path), **_limit_params(self.limits))
            return
        yield path, message
        if worker.done >= _TASKS_PER_WORKER:
            self._retire(worker)

    def _lost(self, worker: _Worker) -> Iterator[tuple[Path, ExtractionResult]]:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        path = worker.task
        self._retire(worker)
        if path is None:
            self._count_start_failure(f"exited with code {code}")
            return
        digest = _sha256_or_empty(path)
        if code in (_EXIT_MEMORY, -signal.SIGKILL, -signal.SIGABRT):
            result = _failed("memory", digest, **_limit_params(self.limits))
        elif code == -signal.SIGALRM:
            result = _failed("timeout", digest, **_limit_params(self.limits))
        else:
            result = _failed("damaged", digest, "crashed")
        logger.warning("Extraction worker died on %s (exit code %s): %s", path, code, result.reason)
        yield path, result

    def _expire(self, worker: _Worker) -> Iterator[tuple[Path, ExtractionResult]]:
        path = worker.task
        assert path is not None
        logger.warning("Extraction of %s passed %gs; stopping its worker", path, self.limits.timeout_s)
        self._retire(worker)
        yield path, _failed("timeout", _sha256_or_empty(path), **_limit_params(self.limits))

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        self.workers.remove(worker)

    def _count_start_failure(self, what: str) -> None:
        self.start_failures += 1
        logger.error("A PDF extraction worker %s", what)
        if self.start_failures >= _WORKER_START_ATTEMPTS:
            # Not a bad file but a broken environment (imports, limits too small to start Python):
            # say so loudly instead of reporting every PDF as failed.
            raise RuntimeError(f"PDF extraction workers cannot start (last one {what})")

    def close(self) -> None:
        for worker in list(self.workers):
            if worker.task is None and worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in list(self.workers):
            worker.process.join(timeout=1)
            self._retire(worker)


# --- the worker process --------------------------------------------------------------------------


def _worker_main(conn: Connection, limits: ExtractionLimits) -> None:
    """Child process: load pdfminer once, apply the memory limit, then extract files until told to stop."""
    # pdfminer logs every oddity of a broken file; the parent reports one outcome per file instead.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    _warm_up()
    _limit_address_space(limits.memory_mb)
    try:
        _serve(conn, limits)
    except MemoryError:
        # Even the small steps between files failed: the limit leaves no room to work at all.
        os._exit(_EXIT_MEMORY)


def _serve(conn: Connection, limits: ExtractionLimits) -> None:
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        # Backstop for a parent that died or stalled: the child ends itself a little after the limit.
        signal.alarm(math.ceil(limits.timeout_s) + _ALARM_GRACE_S)
        try:
            answer: ExtractionResult | str = _extract_file(Path(request), limits)
        except MemoryError:
            answer = "memory"
        except Exception:
            # A bug of ours or pdfminer's that escaped every narrower handler: the file is reported
            # as damaged and the worker carries on.
            logger.exception("Unexpected error extracting %s", request)
            answer = _failed("damaged", "", "crashed")
        signal.alarm(0)
        try:
            conn.send(answer)
        except (BrokenPipeError, EOFError, OSError):
            return
        if answer == "memory":
            return  # the heap may be fragmented after a failed allocation: a fresh worker takes over


def _warm_up() -> None:
    """Prepare a worker: pdfminer reads ToUnicode maps with the quicker parser."""
    import pdfminer.pdffont

    # pdfminer's fonts look their CMap parser up by this name; in a worker process, and only there,
    # it gets the quicker one (which hands anything unusual back to pdfminer's own).
    pdfminer.pdffont.CMapParser = ToUnicodeParser  # type: ignore[misc]


def _limit_address_space(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _extract_file(path: Path, limits: ExtractionLimits) -> ExtractionResult:
    """Read one file in this (limited) process: hash, checks, pages, metadata (the parent adds the language)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        logger.warning("Cannot read %s: %s", path, exc)
        return _failed("damaged", "", "unreadable")
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > limits.max_bytes:
        return _failed("too_large", digest, size=_human_size(len(data)), **_limit_params(limits))
    if not has_pdf_signature(data):
        return _failed("not_pdf", digest)
    return _extract_pdf_bytes(data, digest)


def _extract_pdf_bytes(data: bytes, digest: str) -> ExtractionResult:
    try:
        document = _open_document(data)
    except PDFPasswordIncorrect:
        return _failed("encrypted", digest)
    except PDFEncryptionError:
        return _failed("encrypted", digest, "encrypted_unsupported")
    except MemoryError:
        raise
    except Exception as exc:  # RecursionError included: cross-reference tables that point in a loop
        logger.info("Cannot parse PDF structure: %s: %s", type(exc).__name__, exc)
        return _failed("damaged", digest)

    metadata = read_metadata(document)
    manager = PDFResourceManager(caching=True)
    device = _PageTextDevice(manager)
    interpreter = _TextInterpreter(manager, device)
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
                device = _PageTextDevice(manager)
                interpreter = _TextInterpreter(manager, device)
            else:
                undefined += device.undefined
    except MemoryError:
        raise
    except Exception as exc:
        # The page tree itself broke part-way: keep the pages read so far, if any.
        logger.info("Page tree unreadable after %d pages: %s: %s", len(pages), type(exc).__name__, exc)
        if not pages:
            return _failed("damaged", digest)

    if not pages:
        return _failed("damaged", digest, "no_pages")
    ok = len(pages) - len(failed_pages)
    visible = sum(len(text) - text.count(" ") - text.count("\n") for text in pages)
    if visible < NO_TEXT_CHARS_PER_PAGE * ok or (failed_pages and not visible):
        if failed_pages:
            return _failed("damaged", digest)  # what could be read holds nothing; the rest is broken
        if document.encryption is not None:
            key = "encrypted_no_text"
        elif undefined > visible:
            key = "no_text_fonts"
        else:
            key = "no_text"
        # The page count and the document information still help whoever fills in the form.
        return replace(_failed("no_text", digest, key), page_count=len(pages), metadata=metadata)

    pages = join_hyphenated_words(pages)
    if failed_pages:
        message = MESSAGES["done_partial"].format(
            ok=ok, pages=_pages_phrase(len(pages)), failed=", ".join(map(str, failed_pages))
        )
    else:
        message = MESSAGES["done"].format(pages=_pages_phrase(len(pages)))
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


class _LenientParser(PDFParser):
    """pdfminer's parser, except that a stream without a /Length is read up to its endstream.

    pdfminer reads such a stream as empty; other readers (poppler, pdf.js) look for endstream.
    """

    def do_keyword(self, pos: int, token: Any) -> None:
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


def _open_document(data: bytes) -> PDFDocument:
    """Parse the document structure; with junk before the header, offsets usually count from the header."""
    start = data.find(PDF_SIGNATURE)
    if start > 0:
        try:
            return PDFDocument(_LenientParser(io.BytesIO(data[start:])), password="")
        except (MemoryError, PDFEncryptionError):
            raise
        except Exception as exc:
            logger.info("Not readable from its header at byte %d (%s); trying the whole file", start, exc)
    return PDFDocument(_LenientParser(io.BytesIO(data)), password="")


def detect_language(pages: list[str]) -> str | None:
    """ISO 639-1 code of the main language of the text, or None when there is too little to tell."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # the same text always gets the same answer
    sample = _language_sample(pages)
    if sum(ch.isalpha() for ch in sample) < LANGUAGE_MIN_LETTERS:
        return None
    try:
        best = detect_langs(sample)[0]
    except (LangDetectException, IndexError):
        return None
    if best.prob < LANGUAGE_MIN_PROBABILITY:
        return None
    return best.lang.split("-")[0]  # zh-cn, zh-tw -> zh


def _language_sample(pages: list[str]) -> str:
    # From a quarter into the document (past title pages, author lists and contents), wrapping round.
    start = len(pages) // 4
    parts: list[str] = []
    size = 0
    for text in pages[start:] + pages[:start]:
        parts.append(text)
        size += len(text)
        if size >= LANGUAGE_SAMPLE_CHARS:
            break
    return "\n".join(parts)[:LANGUAGE_SAMPLE_CHARS]


# --- metadata ------------------------------------------------------------------------------------

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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Typographic ligatures (U+FB00-FB06) would make "efficient" unfindable when typed with f, f, i.
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
)


def clean_text(text: str) -> str:
    """Drop control characters (NUL breaks PostgreSQL, form feeds separate pages), split ligatures, NFC."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text).translate(_LIGATURES))


_LINE_END_HYPHEN = re.compile(r"\b(\w++)([-\u00ad\u2010])\n(\w++)")  # possessive: no backtracking
_WORD = re.compile(r"\w+")
_HYPHENATED_WORD = re.compile(r"\w+-\w+")


def join_hyphenated_words(pages: list[str]) -> list[str]:
    """Rejoin words split by a hyphen at a line end ("guar-" / "antees"), so search finds them.

    The document itself decides whether the hyphen stays: "pre-departure" stays hyphenated when
    it is written so elsewhere in the text and "predeparture" is not. Soft hyphens always go.
    """
    vocabulary: list[set[str]] = []  # [words, hyphenated words], read only if a case needs them

    def written(form: str, hyphenated: bool) -> bool:
        if not vocabulary:
            text = "\n".join(pages).lower()
            vocabulary.extend([set(_WORD.findall(text)), set(_HYPHENATED_WORD.findall(text))])
        return form in vocabulary[hyphenated]

    def join(match: re.Match[str]) -> str:
        head, hyphen, tail = match.groups()
        if not (head[-1].isalpha() and tail[0].islower()):
            return match.group(0)  # "1990-\n2000", "Ministry-\nLevel": not a broken word
        if hyphen == "-" and written(f"{head}-{tail}".lower(), True) and not written(f"{head}{tail}".lower(), False):
            return f"{head}-{tail}"
        return head + tail

    return [_LINE_END_HYPHEN.sub(join, page).replace("\u00ad", "") for page in pages]


# --- ToUnicode maps ------------------------------------------------------------------------------

_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
_CMAP_ITEM = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|(\S)")  # hex string, [, ], anything else
_CMAP_UNUSUAL = re.compile(rb"usecmap|begincidrange|begincidchar|beginnotdefrange")


def read_unicode_map(data: bytes) -> dict[int, str] | None:
    """Character code -> text from a ToUnicode CMap made of bfchar and bfrange blocks of hex strings.

    The same mapping pdfminer's CMapParser builds, without its byte-by-byte tokeniser (a large
    share of the time spent on fonts); None for anything else (glyph names, usecmap, cid ranges,
    odd-length hex), which is then left to pdfminer.
    """
    if _CMAP_UNUSUAL.search(data):
        return None
    mapping: dict[int, str] = {}

    def put(code: int, target: bytes) -> None:
        text = target.decode("utf-16-be", "ignore")
        if text == "\u00a0" and mapping.get(code) == " ":
            return  # pdfminer keeps a space over a no-break space for the same code
        mapping[code] = text

    for block in _CMAP_BLOCK.finditer(data):
        items: list[bytes | list[bytes]] = []
        array: list[bytes] | None = None
        for hexstring, opened, closed, other in _CMAP_ITEM.findall(block.group(2)):
            if other or (opened and array is not None) or (closed and array is None):
                return None
            if opened:
                array = []
            elif closed:
                items.append(array)  # type: ignore[arg-type]
                array = None
            else:
                digits = b"".join(hexstring.split())
                if len(digits) % 2:
                    return None
                value = bytes.fromhex(digits.decode("ascii"))
                (items if array is None else array).append(value)
        if array is not None:
            return None
        if block.group(1) == b"bfchar":
            if len(items) % 2 or any(isinstance(item, list) for item in items):
                return None
            for source, target in zip(items[::2], items[1::2], strict=True):
                put(int.from_bytes(source, "big"), target)  # type: ignore[arg-type]
            continue
        if len(items) % 3:
            return None
        for low, high, target in zip(items[::3], items[1::3], items[2::3], strict=True):
            if isinstance(low, list) or isinstance(high, list) or len(low) != len(high):
                return None
            start, end = int.from_bytes(low, "big"), int.from_bytes(high, "big")
            if isinstance(target, list):
                for code, value in zip(range(start, end + 1), target, strict=False):
                    put(code, value)
                continue
            # The last (up to four) bytes of the target count up along the range, as in pdfminer.
            prefix, counter = target[:-4], target[-4:]
            base, width = int.from_bytes(counter, "big"), len(counter)
            mask = (1 << (8 * width)) - 1
            for offset in range(end - start + 1):
                put(start + offset, prefix + ((base + offset) & mask).to_bytes(width, "big"))
    return mapping


class ToUnicodeParser(CMapParser):
    """pdfminer's CMapParser, reading the usual ToUnicode maps with `read_unicode_map` instead."""

    def run(self) -> None:
        data = self.fp.getvalue() if isinstance(self.fp, io.BytesIO) else None
        mapping = read_unicode_map(data) if data is not None and isinstance(self.cmap, FileUnicodeMap) else None
        if mapping is None:
            super().run()
        else:
            self.cmap.cid2unichr.update(mapping)


# --- turning glyphs into lines and boxes ---------------------------------------------------------

# Glyphs and lines are kept in their text's own frame: x grows in reading direction, y grows "up" from the baseline.
# Orientation 0 is normal text, 1/2/3 are text rotated by 90/180/270 degrees on the page, so a
# landscape table printed sideways still reads as words rather than one letter per line.
_Line = tuple[float, float, float, float, str, int]  # x0, y0, x1, y1, text, orientation


def _orientation(a: float, b: float) -> int:
    """Quarter turn of the text direction (a, b) in device space."""
    if abs(a) >= abs(b):
        return 0 if a >= 0 else 2
    return 1 if b > 0 else 3


def _to_frame(orientation: int, x: float, y: float) -> tuple[float, float]:
    if orientation == 0:
        return x, y
    if orientation == 1:
        return y, -x
    if orientation == 2:
        return -x, -y
    return -y, x


def _frame_rect(
    matrix: tuple[float, float, float, float, float, float],
    orientation: int,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
) -> tuple[float, float, float, float]:
    """The text-space rectangle under `matrix`, as a bounding box in the orientation's frame."""
    a, b, c, d, e, f = matrix
    if b == 0 and c == 0 and orientation == 0:  # the common case: upright, unskewed text
        ax0, ax1 = a * x0 + e, a * x1 + e
        ay0, ay1 = d * y0 + f, d * y1 + f
        return min(ax0, ax1), min(ay0, ay1), max(ax0, ax1), max(ay0, ay1)
    xs: list[float] = []
    ys: list[float] = []
    for px, py in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        fx, fy = _to_frame(orientation, a * px + c * py + e, b * px + d * py + f)
        xs.append(fx)
        ys.append(fy)
    return min(xs), min(ys), max(xs), max(ys)


def _group_boxes(lines: list[_Line]) -> list[list[_Line]]:
    """Merge lines into paragraph boxes: close vertically, similar height, aligned on an edge or centre."""
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_bottom = sorted(range(len(lines)), key=lambda i: lines[i][1])
    bottoms = [lines[i][1] for i in by_bottom]
    for i, (x0, y0, x1, y1, _text, orient) in enumerate(lines):
        height = y1 - y0
        d = LINE_MARGIN * height
        # A neighbour's bottom lies below our top + d and (its height being at most ours + d)
        # above our bottom - d - (height + d): a window of the sorted bottoms.
        lo = bisect.bisect_right(bottoms, y0 - d - (height + d))
        hi = bisect.bisect_left(bottoms, y1 + d)
        for j in by_bottom[lo:hi]:
            if j == i:
                continue
            ox0, oy0, ox1, oy1, _t, oorient = lines[j]
            if (
                oorient == orient
                and oy1 > y0 - d
                and ox0 < x1
                and x0 < ox1
                and abs((oy1 - oy0) - height) <= d
                and (abs(ox0 - x0) <= d or abs(ox1 - x1) <= d or abs((ox0 + ox1) - (x0 + x1)) <= 2 * d)
            ):
                parent[find(j)] = find(i)
    boxes: dict[int, list[_Line]] = {}
    for i, line in enumerate(lines):
        boxes.setdefault(find(i), []).append(line)
    result = list(boxes.values())
    for box in result:
        box.sort(key=lambda line: -line[3])
    return result


_Box = tuple[float, float, float, float, list[_Line]]
_XY_CUT_MAX_BOXES = 400  # beyond this (dense tables) plain top-to-bottom order is good enough and cheap


def _reading_order(boxes: list[list[_Line]]) -> list[list[_Line]]:
    """Order boxes per orientation by recursive XY-cut: columns left to right, rows top to bottom."""
    ordered: list[list[_Line]] = []
    for orient in sorted({box[0][5] for box in boxes}):
        framed: list[_Box] = [
            (
                min(line[0] for line in box),
                min(line[1] for line in box),
                max(line[2] for line in box),
                max(line[3] for line in box),
                box,
            )
            for box in boxes
            if box[0][5] == orient
        ]
        if len(framed) > _XY_CUT_MAX_BOXES:
            framed.sort(key=lambda b: (-b[3], b[0]))
            ordered.extend(b[4] for b in framed)
        else:
            ordered.extend(b[4] for b in _xy_cut(framed))
    return ordered


def _xy_cut(boxes: list[_Box]) -> list[_Box]:
    result: list[_Box] = []
    stack: list[list[_Box]] = [boxes]
    while stack:
        group = stack.pop()
        if len(group) <= 1:
            result.extend(group)
            continue
        # Columns before rows: a gutter that runs the whole height of a group separates columns
        # (read one after the other); a title or footer spanning the gutter blocks that cut, so
        # the row cut takes it off first and the columns below are cut on the next round.
        parts = _split(group, vertical=True) or _split(group, vertical=False)
        if parts is None:
            result.extend(sorted(group, key=lambda b: (-b[3], b[0])))
            continue
        stack.extend(reversed(parts))  # the stack pops the first part first
    return result


def _split(group: list[_Box], vertical: bool) -> list[list[_Box]] | None:
    """Cut a group where no box crosses a horizontal gap (rows, top first) or a vertical one (columns)."""
    if vertical:
        items = sorted(group, key=lambda b: b[0])
        start, end = (lambda b: b[0]), (lambda b: b[2])
    else:
        items = sorted(group, key=lambda b: -b[3])
        start, end = (lambda b: -b[3]), (lambda b: -b[1])
    parts: list[list[_Box]] = [[items[0]]]
    reach = end(items[0])
    for box in items[1:]:
        if start(box) >= reach:
            parts.append([box])
        else:
            parts[-1].append(box)
        reach = max(reach, end(box))
    return parts if len(parts) > 1 else None


def layout_text(lines: list[_Line]) -> str:
    """A page's text from its lines: lines within boxes, boxes in reading order, a blank line between."""
    if not lines:
        return ""
    boxes = _reading_order(_group_boxes(lines))
    return "\n\n".join("\n".join(line[4] for line in box) for box in boxes)


_GlyphInfo = tuple[float, str, bool]  # advance in text space units, text, whether the font has no text for it
_ADVANCE, _TEXT, _UNDEFINED = itemgetter(0), itemgetter(1), itemgetter(2)
# text, advance (text space units), glyphs, spaces, glyphs without text, first and last glyph's
# advance, whether it ends with a space
_Segment = tuple[str, float, int, int, int, float, float, bool]
_SEGMENT_CACHE_SIZE = 50_000  # distinct strings remembered per font (a book has a few thousand)


class _PageTextDevice(PDFTextDevice):
    """Turns one page's glyphs into lines as they are drawn; graphics and images are ignored.

    Glyphs that follow each other on a baseline join the current line, with a space where the gap
    is wider than a word margin (pdfminer's LAParams rules: line_overlap, char_margin, word_margin);
    anything else starts a new line. Lines are grouped into boxes at the end of the page.
    """

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.text = ""
        self.undefined = 0
        # Per font: character code -> (advance in text space units, text); pdfminer looks both up
        # through several layers for every glyph.
        self._glyph_cache: dict[Any, dict[int, _GlyphInfo]] = {}
        self._segments: dict[Any, dict[bytes, _Segment]] = {}
        self._reset()

    def _reset(self) -> None:
        self.lines: list[_Line] = []
        self._parts: list[str] = []
        # the current line's box, and the last glyph's box and orientation (-1: no line open)
        self._lx0 = self._ly0 = self._lx1 = self._ly1 = 0.0
        self._px0 = self._py0 = self._px1 = self._py1 = 0.0
        self._orient = -1

    def begin_page(self, page: Any, ctm: Any) -> None:
        self._reset()
        self.text = ""
        self.undefined = 0

    def end_page(self, page: Any) -> None:
        self._close_line()
        self.text = clean_text(layout_text(self.lines))
        self.lines = []

    def _close_line(self) -> None:
        if self._orient >= 0:
            text = " ".join("".join(self._parts).split())
            if text:
                self.lines.append((self._lx0, self._ly0, max(self._lx0, self._lx1), self._ly1, text, self._orient))
        self._parts = []
        self._orient = -1

    def _glyphs_of(self, font: Any) -> dict[int, _GlyphInfo]:
        cache = self._glyph_cache.get(font)
        if cache is None:
            cache = self._glyph_cache[font] = {}
        return cache

    def _glyph(self, font: Any, cid: int, cache: dict[int, _GlyphInfo]) -> _GlyphInfo:
        undefined = False
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            undefined = True
            # pdfminer writes "(cid:123)", noise in search results. Unmapped glyphs are most often
            # spaces, symbols or ligatures, so a word break is the least bad stand-in; counted so
            # that a page made of them reads as "no text" rather than as a page of blanks.
            text = " "
        entry = cache[cid] = (font.char_width(cid), text, undefined)
        return entry

    def _add_glyph(self, x0: float, y0: float, x1: float, y1: float, text: str, orient: int) -> None:
        """The general case (any orientation); the upright case is inlined in render_string_horizontal."""
        if self._orient == orient:
            px0, py0, px1, py1 = self._px0, self._py0, self._px1, self._py1
            height = min(y1 - y0, py1 - py0)
            overlap = min(y1, py1) - max(y0, py0)
            distance = 0.0 if x0 <= px1 and px0 <= x1 else min(abs(x0 - px1), abs(px0 - x1))
            if overlap > height * LINE_OVERLAP and distance < max(x1 - x0, px1 - px0) * CHAR_MARGIN:
                if self._lx1 < x0 - WORD_MARGIN * max(x1 - x0, y1 - y0):
                    self._parts.append(" ")
                self._parts.append(text)
                self._lx0 = min(self._lx0, x0)
                self._ly0 = min(self._ly0, y0)
                self._ly1 = max(self._ly1, y1)
                self._lx1 = x1  # the next word gap is measured from the last glyph, as pdfminer does
                self._px0, self._py0, self._px1, self._py1 = x0, y0, x1, y1
                return
        self._close_line()
        self._parts = [text]
        self._orient = orient
        self._lx0, self._ly0, self._lx1, self._ly1 = x0, y0, x1, y1
        self._px0, self._py0, self._px1, self._py1 = x0, y0, x1, y1

    def _upright_glyph(self, gx0: float, gx1: float, gy0: float, gy1: float, text: str) -> None:
        """An upright glyph: on the current line's baseline only the gap to the previous one decides."""
        if self._orient == 0 and gy0 == self._py0 and gy1 == self._py1:
            px0, px1 = self._px0, self._px1
            if gx0 > px1:
                distance = gx0 - px1
            elif gx1 < px0:
                distance = px0 - gx1
            else:
                distance = 0.0
            width = gx1 - gx0
            pwidth = px1 - px0
            if distance < (width if width > pwidth else pwidth) * CHAR_MARGIN:
                if self._lx1 < gx0 - WORD_MARGIN * (width if width > gy1 - gy0 else gy1 - gy0):
                    self._parts.append(" ")
                self._parts.append(text)
                if gx0 < self._lx0:
                    self._lx0 = gx0
                self._lx1 = gx1
                self._px0 = gx0
                self._px1 = gx1
                return
        self._add_glyph(gx0, gy0, gx1, gy1, text, 0)

    def _segment(self, font: Any, data: bytes, segments: dict[bytes, _Segment]) -> _Segment:
        """What a string draws: its text, total advance, glyph count and the first and last glyph."""
        cache = self._glyphs_of(font)
        cids = font.decode(data)
        if not isinstance(cids, (bytearray, list)):
            cids = list(cids)
        entries = [cache.get(cid) or self._glyph(font, cid, cache) for cid in cids]
        if entries:
            segment = (
                "".join(map(_TEXT, entries)),
                sum(map(_ADVANCE, entries)),
                len(entries),
                cids.count(32),
                sum(map(_UNDEFINED, entries)),
                entries[0][0],
                entries[-1][0],
                cids[-1] == 32,
            )
        else:
            segment = ("", 0.0, 0, 0, 0, 0.0, 0.0, False)
        if len(segments) < _SEGMENT_CACHE_SIZE:
            segments[data] = segment
        return segment

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> Any:
        # pdfminer's arithmetic for advancing along the string; the glyph boxes are LTChar's.
        (x, y) = pos
        a, b, c, d, e, f = matrix
        bottom = y + font.get_descent() * fontsize + rise
        top = bottom + fontsize
        scale = fontsize * scaling
        gy0, gy1 = d * bottom + f, d * top + f  # the same for every glyph of an upright string
        height = gy1 - gy0
        # Upright text with little letter spacing (nearly all text): no gap inside one string can
        # reach a word margin, so each string is placed as a whole, from what its first glyph
        # touches to where its last glyph ends. Strings repeat (words, syllables between kerning
        # adjustments), so what a string draws is computed once per font.
        if not (b == 0 and c == 0 and a > 0 and d > 0 and fontsize > 0 and abs(a * charspace) < WORD_MARGIN * height):
            return self._render_glyph_by_glyph(
                seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale
            )
        segments = self._segments.get(font)
        if segments is None:
            segments = self._segments[font] = {}
        # The line being built, kept in locals for the loop and written back at the end.
        same_line = self._orient == 0 and gy0 == self._py0 and gy1 == self._py1
        parts, px0, px1, lx0, lx1 = self._parts, self._px0, self._px1, self._lx0, self._lx1
        undefined_total = 0
        needcharspace = False
        for obj in seq:
            if type(obj) is not bytes:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                    needcharspace = True
                continue
            text, units, count, spaces, undefined, first, last, ends_with_space = segments.get(obj) or self._segment(
                font, obj, segments
            )
            if not count:
                continue
            if needcharspace:
                x += charspace
            gx0 = a * x + e
            gx1 = gx0 + a * first * scale
            undefined_total += undefined
            joined = False
            if same_line:
                if gx0 > px1:
                    distance = gx0 - px1
                elif gx1 < px0:
                    distance = px0 - gx1
                else:
                    distance = 0.0
                width = gx1 - gx0
                pwidth = px1 - px0
                if distance < (width if width > pwidth else pwidth) * CHAR_MARGIN:
                    if lx1 < gx0 - WORD_MARGIN * (width if width > height else height):
                        parts.append(" ")
                    parts.append(text)
                    if gx0 < lx0:
                        lx0 = gx0
                    joined = True
            if not joined:
                self._lx0, self._lx1, self._px0, self._px1 = lx0, lx1, px0, px1
                self._add_glyph(gx0, gy0, gx1, gy1, text, 0)
                parts, lx0, same_line = self._parts, self._lx0, True
            x += units * scale + charspace * (count - 1) + wordspace * spaces
            px0 = a * (x - last * scale - (wordspace if ends_with_space else 0.0)) + e
            px1 = lx1 = px0 + a * last * scale
            needcharspace = True
        self._lx0, self._lx1, self._px0, self._px1 = lx0, lx1, px0, px1
        self.undefined += undefined_total
        return (x, y)

    def _render_glyph_by_glyph(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
    ) -> Any:
        """Rotated, skewed or letter-spaced text: every glyph is placed and compared on its own."""
        (x, y) = pos
        a, b, c, d, e, f = matrix
        orient = _orientation(a, b)
        bottom = y + font.get_descent() * fontsize + rise
        top = bottom + fontsize
        cache = self._glyphs_of(font)
        scale = fontsize * scaling
        upright = b == 0 and c == 0 and a > 0 and d > 0 and fontsize > 0
        gy0, gy1 = d * bottom + f, d * top + f
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for cid in font.decode(obj):
                if needcharspace:
                    x += charspace
                width, text, undefined = cache.get(cid) or self._glyph(font, cid, cache)
                advance = width * scale
                self.undefined += undefined
                if upright:
                    gx0 = a * x + e
                    self._upright_glyph(gx0, gx0 + a * advance, gy0, gy1, text)
                else:
                    x0, y0, x1, y1 = _frame_rect(matrix, orient, x, bottom, x + advance, top)
                    self._add_glyph(x0, y0, x1, y1, text, orient)
                x += advance
                if cid == 32 and wordspace:
                    x += wordspace
                needcharspace = True
        return (x, y)

    def render_char(
        self,
        matrix: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        # Only vertical writing (CJK fonts with vertical metrics) comes here; the box is LTChar's.
        cache = self._glyphs_of(font)
        width, text, undefined = cache.get(cid) or self._glyph(font, cid, cache)
        self.undefined += undefined
        advance = width * fontsize * scaling
        vx, vy = font.char_disp(cid)
        vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
        vy = (1000 - vy) * fontsize * 0.001
        # Vertical writing runs down the text space; read it in the frame where that is "forward".
        orient = _orientation(-matrix[2], -matrix[3])
        x0, y0, x1, y1 = _frame_rect(matrix, orient, -vx, vy + rise + advance, -vx + fontsize, vy + rise)
        self._add_glyph(x0, y0, x1, y1, text, orient)
        return advance


# --- a content-stream interpreter for text only --------------------------------------------------

# pdfminer tokenises content streams one byte-state at a time, which is most of its running time.
# This interpreter scans them with one regular expression, runs pdfminer's own operator methods
# for text, fonts, matrices, graphics-state saves and form XObjects, and skips operands of
# operators that only draw (paths, colours, shading, marked content): no text is lost by that.
_SPACE = rb"\x00\t\n\x0c\r "
_DELIMITERS = rb"()<>\[\]{}/%"
_NUMBER = rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_CONTENT_TOKEN = re.compile(
    rb"(?:[" + _SPACE + rb"]+|%[^\r\n]*)*"  # whitespace and comments between tokens
    # An operator with the numbers before it, in one match: most operators take only numbers.
    rb"(?:(?P<op>(?P<args>(?:" + _NUMBER + rb"[" + _SPACE + rb"]+)*)"
    rb"(?P<kw>[A-Za-z'\"][^" + _SPACE + _DELIMITERS + rb"]*))"
    rb"|(?P<num>" + _NUMBER + rb")"
    rb"|/(?P<name>[^" + _SPACE + _DELIMITERS + rb"]*)"
    rb"|(?P<str>\()"
    rb"|(?P<open><<|\[)"
    rb"|(?P<close>>>|\])"
    rb"|<(?P<hex>[0-9A-Fa-f" + _SPACE + rb"]*)>"
    rb"|(?P<junk>.))",
    re.DOTALL,
)
_NUMBERS = re.compile(_NUMBER)
# Path construction and painting, clipping, colours and line styles: only drawing, skipped with
# their operands unread (a page of charts is mostly these).
_DRAWING_OPERATORS = frozenset(
    b"m l c v y h re S s f F f* B B* b b* n W W* g G rg RG k K w J j M i sc SC scn SCN".split()
)
_INLINE_IMAGE_DATA = re.compile(rb"[" + _SPACE + rb"]ID[" + _SPACE + rb"]")
_INLINE_IMAGE_END = re.compile(rb"[" + _SPACE + rb"]EI(?=[" + _SPACE + rb"]|$)")
_STRING_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# pdfminer method names for the operators that affect where and which text is shown.
_TEXT_OPERATORS = {
    b"q": "do_q",
    b"Q": "do_Q",
    b"cm": "do_cm",
    b"BT": "do_BT",
    b"ET": "do_ET",
    b"Tc": "do_Tc",
    b"Tw": "do_Tw",
    b"Tz": "do_Tz",
    b"TL": "do_TL",
    b"Tf": "do_Tf",
    b"Tr": "do_Tr",
    b"Ts": "do_Ts",
    b"Td": "do_Td",
    b"TD": "do_TD",
    b"Tm": "do_Tm",
    b"T*": "do_T_a",
    b"Tj": "do_Tj",
    b"TJ": "do_TJ",
    b"'": "do__q",
    b'"': "do__w",
    b"Do": "do_Do",
}
_CONSTANTS: dict[bytes, bool | None] = {b"true": True, b"false": False, b"null": None}


# The body of an array made only of numbers, hex strings and strings without nested brackets,
# and its items: "[(Hel) -20 (lo\\) world)]" in one match.
_ARRAY_ITEM = rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f" + _SPACE + rb"]*>|" + _NUMBER
_SIMPLE_ARRAY = re.compile(rb"((?:[" + _SPACE + rb"]*(?:" + _ARRAY_ITEM + rb"))*)[" + _SPACE + rb"]*\]", re.DOTALL)
_SIMPLE_ARRAY_ITEMS = re.compile(
    rb"\((?P<str>(?:[^()\\]|\\.)*)\)|<(?P<hex>[0-9A-Fa-f" + _SPACE + rb"]*)>|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))",
    re.DOTALL,
)


def _simple_array_items(body: bytes) -> list[Any]:
    items: list[Any] = []
    # "()" and "<>" both leave every group empty: either way the item is an empty string.
    for string, hexstring, number in _SIMPLE_ARRAY_ITEMS.findall(body):
        if number:
            items.append(float(number) if b"." in number else int(number))
        elif hexstring:
            items.append(_hex_bytes(hexstring))
        elif b"\\" in string:
            items.append(_read_literal_string(string + b")", 0)[0])
        else:
            items.append(string)
    return items


def _hex_bytes(digits: bytes) -> bytes:
    digits = bytes(ch for ch in digits if ch not in b"\x00\t\n\x0c\r ")
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _read_literal_string(data: bytes, pos: int) -> tuple[bytes, int]:
    """The (string) starting after its opening bracket at `pos`, and the position after it."""
    end = data.find(b")", pos)
    if end >= 0:
        plain = data[pos:end]
        if b"\\" not in plain and b"(" not in plain:
            return plain, end + 1
    out = bytearray()
    depth = 1
    i, n = pos, len(data)
    while i < n:
        c = data[i]
        i += 1
        if c == 0x5C:  # backslash
            if i >= n:
                break
            e = data[i]
            i += 1
            if 0x30 <= e <= 0x37:
                digits = 1
                code = e - 0x30
                while digits < 3 and i < n and 0x30 <= data[i] <= 0x37:
                    code = code * 8 + data[i] - 0x30
                    i += 1
                    digits += 1
                out.append(code & 0xFF)
            elif e in _STRING_ESCAPES:
                out += _STRING_ESCAPES[e]
            elif e == 0x0D:  # a line continuation
                if i < n and data[i] == 0x0A:
                    i += 1
            elif e != 0x0A:
                out.append(e)
        elif c == 0x28:
            depth += 1
            out.append(c)
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i
            out.append(c)
        else:
            out.append(c)
    return bytes(out), n


def _skip_inline_image(data: bytes, pos: int) -> int:
    """Position after the EI of an inline image whose BI ended at `pos` (images carry no text)."""
    start = _INLINE_IMAGE_DATA.search(data, pos)
    if start is None:
        return len(data)
    header = data[pos : start.start()]
    body = start.end()
    if b"/A85" in header or b"/ASCII85Decode" in header:
        eod = data.find(b"~>", body)
        body = len(data) if eod < 0 else eod + 2
    end = _INLINE_IMAGE_END.search(data, body - 1)
    return len(data) if end is None else end.end()


class _TextInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with a faster tokenizer that only executes text-related operators."""

    def init_resources(self, resources: Any) -> None:
        # pdfminer's, minus colour spaces (only drawing uses them) and with one broken font costing
        # only its own text (pdfminer then falls back to a generic font) rather than the whole page.
        self.resources = resources
        self.fontmap = {}
        self.xobjmap = {}
        self.csmap = PREDEFINED_COLORSPACE.copy()
        if not resources:
            return
        for key, value in dict_value(resources).items():
            if key == "Font":
                for font_id, spec in dict_value(value).items():
                    try:
                        objid = spec.objid if isinstance(spec, PDFObjRef) else None
                        self.fontmap[font_id] = self.rsrcmgr.get_font(objid, dict_value(spec))
                    except (MemoryError, RecursionError):
                        raise
                    except Exception as exc:
                        logger.debug("Unreadable font %s: %s: %s", font_id, type(exc).__name__, exc)
            elif key == "XObject":
                self.xobjmap.update(dict_value(value))

    def do_TJ(self, seq: Any) -> None:
        if self.textstate.font is None:
            return
        # pdfminer copies the graphics state for every string for its layout objects; the text
        # device does not read it.
        self.device.render_string(self.textstate, seq, self.graphicstate.ncs, self.graphicstate)

    def execute(self, streams: Any) -> None:
        # The same guard against content streams that invoke themselves as pdfminer's.
        valid: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        if not valid:
            return
        data = b"\n".join(stream.get_data() or b"" for stream in valid)
        handlers = {}
        for op, name in _TEXT_OPERATORS.items():
            method = getattr(self, name)
            handlers[op] = (method, method.__code__.co_argcount - 1)
        self._run(data, handlers)

    def _run(self, data: bytes, handlers: dict[bytes, tuple[Any, int]]) -> None:
        stack: list[Any] = []
        marks: list[int] = []  # where each open array or dictionary starts on the stack
        match = _CONTENT_TOKEN.match
        pos, size = 0, len(data)
        while pos < size:
            m = match(data, pos)
            if m is None:  # only trailing whitespace or a comment was left
                break
            pos = m.end()
            kind = m.lastgroup
            if kind == "op":
                operator = m["kw"]
                if operator in _DRAWING_OPERATORS:
                    if not marks:
                        stack.clear()
                    continue
                if arguments := m["args"]:
                    stack.extend(float(t) if b"." in t else int(t) for t in _NUMBERS.findall(arguments))
                if operator in _CONSTANTS:
                    stack.append(_CONSTANTS[operator])
                    continue
                if marks:
                    continue  # an operator inside an array is a producer's bug; readers drop it
                if operator == b"BI":
                    pos = _skip_inline_image(data, pos)
                elif (handler := handlers.get(operator)) is not None:
                    self._call(*handler, stack)
                stack.clear()
            elif kind == "num":
                token = m.group(kind)
                stack.append(float(token) if b"." in token else int(token))
            elif kind == "name":
                name = m.group(kind)
                if b"#" in name:
                    name = _NAME_ESCAPE.sub(lambda e: bytes((int(e.group(1), 16),)), name)
                stack.append(LIT(name.decode("latin-1")))
            elif kind == "str":
                value, pos = _read_literal_string(data, pos)
                stack.append(value)
            elif kind == "open":
                if m.group(kind) == b"[" and (array := _SIMPLE_ARRAY.match(data, pos)) is not None:
                    # A TJ array of plain strings and numbers: one match instead of one per item.
                    stack.append(_simple_array_items(array.group(1)))
                    pos = array.end()
                else:
                    marks.append(len(stack))
            elif kind == "close":
                if marks:
                    start = marks.pop()
                    items = stack[start:]
                    del stack[start:]
                    if m.group(kind) == b"]":
                        stack.append(items)
                    else:
                        stack.append(dict(zip(items[::2], items[1::2], strict=False)))
            elif kind == "hex":
                stack.append(_hex_bytes(m.group(kind)))

    def _call(self, handler: Any, nargs: int, stack: list[Any]) -> None:
        if len(stack) < nargs:
            return  # a malformed operation: pdfminer skips it too
        try:
            handler(*stack[len(stack) - nargs :]) if nargs else handler()
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:
            # One bad operator (a missing font, a broken form) should not cost the rest of the page.
            logger.debug("Skipped %s: %s: %s", handler.__name__, type(exc).__name__, exc)
