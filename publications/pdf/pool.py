"""The parent side: prechecks, then a pool of limited worker processes that read the files.

Workers are reused across files (starting one costs about half a second of imports) and replaced
whenever one is killed; the parent only ever sees a finished `ExtractionResult`. The language is
detected here, in the parent, so langdetect's profiles are loaded once per process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publications.pdf.checks import SIGNATURE_WINDOW, has_pdf_signature, sha256_of_file
from publications.pdf.language import detect_language
from publications.pdf.limits import ExtractionLimits, ExtractionResult, failure, human_size, limit_params
from publications.pdf.worker import EXIT_MEMORY, worker_main

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

logger = logging.getLogger(__name__)


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
            return failure(
                "too_large",
                sha256_of_file(path),
                size=human_size(size),
                **limit_params(limits),
            )
        if not has_pdf_signature(head):
            return failure("not_pdf", sha256_of_file(path))
    except OSError as exc:
        logger.warning("Cannot read %s for extraction: %s", path, exc)
        return failure("damaged", "", "unreadable")
    return None


# --- the pool of limited workers -----------------------------------------------------------------

_WORKER_START_TIMEOUT_S = 60.0
_WORKER_START_ATTEMPTS = 3
_TASKS_PER_WORKER = 200  # then a fresh process, so caches and heap fragmentation cannot grow for ever


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
        """Hand out the files to the workers and yield each result as it arrives."""
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
            target=worker_main,
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
            yield path, failure("memory", _sha256_or_empty(path), **limit_params(self.limits))
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
        # How a worker that died without answering is reported: the worker's own exit code after a
        # MemoryError it could not report, SIGKILL from the kernel's OOM killer and abort() from a
        # failed allocation all mean memory; its own alarm means time; anything else (a segfault in
        # a C extension) means the file broke the reader.
        if code in (EXIT_MEMORY, -signal.SIGKILL, -signal.SIGABRT):
            result = failure("memory", digest, **limit_params(self.limits))
        elif code == -signal.SIGALRM:
            result = failure("timeout", digest, **limit_params(self.limits))
        else:
            result = failure("damaged", digest, "crashed")
        logger.warning("Extraction worker died on %s (exit code %s): %s", path, code, result.reason)
        yield path, result

    def _expire(self, worker: _Worker) -> Iterator[tuple[Path, ExtractionResult]]:
        path = worker.task
        assert path is not None
        logger.warning("Extraction of %s passed %gs; stopping its worker", path, self.limits.timeout_s)
        self._retire(worker)
        yield path, failure("timeout", _sha256_or_empty(path), **limit_params(self.limits))

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
        """Tell idle workers to stop, then end every worker still there."""
        for worker in list(self.workers):
            if worker.task is None and worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in list(self.workers):
            worker.process.join(timeout=1)
            self._retire(worker)
