"""The worker process: load pdfminer once, limit its own memory, then read files until told to stop."""

from __future__ import annotations

import logging
import math
import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from publications.pdf.document import extract_file
from publications.pdf.limits import ExtractionLimits, ExtractionResult, failure
from publications.pdf.tounicode import ToUnicodeParser

logger = logging.getLogger(__name__)

# The exit code of a worker after a MemoryError it could not report (the pool reads it as memory).
EXIT_MEMORY = 86
_ALARM_GRACE_S = 5  # the child's own alarm only fires if the parent failed to kill it


def worker_main(conn: Connection, limits: ExtractionLimits) -> None:
    """Child process: load pdfminer once, apply the memory limit, then extract files until told to stop."""
    # pdfminer logs every oddity of a broken file; the parent reports one outcome per file instead.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    _warm_up()
    _limit_address_space(limits.memory_mb)
    try:
        _serve(conn, limits)
    except MemoryError:
        # Even the small steps between files failed: the limit leaves no room to work at all.
        os._exit(EXIT_MEMORY)


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
            answer: ExtractionResult | str = extract_file(Path(request), limits)
        except MemoryError:
            answer = "memory"
        except Exception:
            # A bug of ours or pdfminer's that escaped every narrower handler: the file is reported
            # as damaged and the worker carries on.
            logger.exception("Unexpected error extracting %s", request)
            answer = failure("damaged", "", "crashed")
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
