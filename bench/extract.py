"""Benchmark PDF text extraction against pdftotext (poppler) on a folder of PDFs.

    python bench/extract.py [FOLDER] [--workers N] [--json]

The pipeline runs exactly as the extraction task runs it: the same code (`extract_many`, which
`extract_pdf_text` also uses) with the limits from the project's settings (PDF_EXTRACT_TIMEOUT_S,
PDF_EXTRACT_MEMORY_MB, PDF_MAX_UPLOAD_MB). pdftotext runs one file
at a time as the reference. Three passes:

1. pipeline over every file: outcome counts and peak memory of the worker processes;
2. pdftotext over every file, each timed, with the same time limit;
3. pipeline again, timed, over the files both could read (pipeline "done", pdftotext exit 0),
   so a file one of them rejects or gives up on does not count for or against either; with
   --repeat N (default 2) pdftotext and the pipeline take turns N times and each one's best
   round counts, which keeps a burst of other work on a shared machine from deciding the ratio.

Pages per second are the pipeline's page counts over each tool's wall-clock time on that set.
With --json the last line of output is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from tqdm import tqdm

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from publications.pdf import ExtractionLimits, ExtractionResult, extract_many  # noqa: E402

DEFAULT_FOLDER = PROJECT_ROOT / ".." / "shared" / "pdf-corpus"
PDFTOTEXT = "/usr/bin/pdftotext"


def production_limits() -> tuple[ExtractionLimits, str]:
    """The limits the extraction task uses: the project's settings (dev by default, like manage.py)."""
    module = os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salam.settings.dev")
    try:
        return ExtractionLimits.from_settings(), f"settings {module}"
    except Exception as exc:  # the bench still runs where the settings cannot load (e.g. missing env)
        print(f"(settings {module} not usable: {exc}; using the same defaults)", file=sys.stderr)
        return ExtractionLimits(), "defaults"


class PeakRss:
    """Samples the high-water RSS (VmHWM) of this process's descendants while a pass runs."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.interval_s = interval_s
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self) -> None:
        for child in psutil.Process().children(recursive=True):
            try:
                with open(f"/proc/{child.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                            break
            except OSError:
                continue  # the worker ended between listing and reading


def run_pipeline(
    files: list[Path], limits: ExtractionLimits, workers: int | None, label: str
) -> tuple[dict[Path, ExtractionResult], float, int]:
    """Extract every file with extract_many; return results, wall seconds and peak worker RSS (KiB)."""
    results: dict[Path, ExtractionResult] = {}
    with PeakRss() as peak, tqdm(total=len(files), desc=label, unit="file") as bar:
        started = time.perf_counter()
        for path, result in extract_many(files, limits, workers=workers):
            results[path] = result
            bar.update()
        elapsed = time.perf_counter() - started
    return results, elapsed, peak.peak_kb


def children_cpu_s() -> float:
    """CPU seconds used by this process's finished children (workers, pdftotext)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pdftotext(files: list[Path], timeout_s: float) -> dict[Path, tuple[bool, int, float, float]]:
    """pdftotext one file at a time: (read it, pages, wall seconds, CPU seconds) per file."""
    outcomes: dict[Path, tuple[bool, int, float, float]] = {}
    for path in tqdm(files, desc="pdftotext", unit="file"):
        cpu_before = children_cpu_s()
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [PDFTOTEXT, "-q", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                timeout=timeout_s,
                check=False,
            )
            ok, pages = done.returncode == 0, done.stdout.count(b"\f")
        except subprocess.TimeoutExpired:
            ok, pages = False, 0
        outcomes[path] = (ok, pages, time.perf_counter() - started, children_cpu_s() - cpu_before)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--repeat", type=int, default=2, help="timed rounds of each tool; the best counts")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the headline figures")
    args = parser.parse_args()

    folder = args.folder.resolve()
    files = sorted(p for p in folder.glob("*.pdf") if p.is_file())
    if not files:
        print(f"No PDFs in {folder}", file=sys.stderr)
        return 1
    limits, source = production_limits()
    workers = args.workers or len(os.sched_getaffinity(0))
    print(f"{len(files)} PDFs in {folder}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"limits ({source}): {limits.timeout_s:g} s, {limits.memory_mb} MB address space, "
        f"{limits.max_bytes // (1024 * 1024)} MB files; {workers} workers on {os.cpu_count()} cores"
    )

    survey, survey_s, survey_peak_kb = run_pipeline(files, limits, args.workers, "pipeline, all files")
    # Every worker has been joined by now, so this is the largest of them (Linux: KiB).
    children_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    outcomes = collections.Counter(
        result.status if result.status == "done" else f"failed/{result.reason}" for result in survey.values()
    )
    print(f"pipeline, all files: {survey_s:.1f} s; " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))

    reference = run_pdftotext(files, limits.timeout_s)
    both = [p for p in files if survey[p].status == "done" and reference[p][0]]
    if not both:
        print("No file was read by both", file=sys.stderr)
        return 1
    pages = sum(survey[p].page_count for p in both)
    mismatched = sum(1 for p in both if survey[p].page_count != reference[p][1])
    # Rounds alternate pipeline and pdftotext (the survey above is pdftotext's first round) and
    # the best round of each counts, so a burst of other work on the machine hurts neither much.
    reference_rounds = [(sum(reference[p][2] for p in both), sum(reference[p][3] for p in both))]
    pipeline_rounds: list[tuple[float, float]] = []
    timed_peak_kb = 0
    for round_number in range(1, max(1, args.repeat) + 1):
        if round_number > 1:
            again = run_pdftotext(both, limits.timeout_s)
            reference_rounds.append((sum(r[2] for r in again.values()), sum(r[3] for r in again.values())))
        cpu_before = children_cpu_s()
        _timed, wall_s, peak_kb = run_pipeline(both, limits, args.workers, f"pipeline, timed round {round_number}")
        pipeline_rounds.append((wall_s, children_cpu_s() - cpu_before))
        timed_peak_kb = max(timed_peak_kb, peak_kb)
    pipeline_s, pipeline_cpu_s = min(pipeline_rounds)
    reference_s, reference_cpu_s = min(reference_rounds)

    pipeline_rate = pages / pipeline_s
    reference_rate = pages / reference_s
    ratio = pipeline_rate / reference_rate
    peak_rss_mb = max(survey_peak_kb, timed_peak_kb, children_peak_kb) / 1024
    print()
    print(f"compared on {len(both)} files read by both ({pages} pages; page counts differ on {mismatched})")
    rounds = f"best of {len(pipeline_rounds)} and {len(reference_rounds)} alternating rounds"
    print(f"  pipeline   {pipeline_s:8.1f} s  {pipeline_rate:8.1f} pages/s  ({workers} workers; {rounds})")
    print(f"  pdftotext  {reference_s:8.1f} s  {reference_rate:8.1f} pages/s  (one file at a time)")
    print(f"  ratio      {ratio:8.3f}  (pipeline / pdftotext; target >= 0.333)")
    print(f"  peak RSS of a worker: {peak_rss_mb:.0f} MB (target < 1024 MB)")
    # Wall-clock figures depend on what else the machine runs; CPU seconds much less so.
    print(
        f"  CPU seconds: pipeline {pipeline_cpu_s:.1f} (all workers), pdftotext {reference_cpu_s:.1f}; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if args.json:
        figures = {
            "pages": pages,
            "pages_per_s": round(pipeline_rate, 2),
            "reference_pages_per_s": round(reference_rate, 2),
            "ratio": round(ratio, 4),
            "peak_rss_mb": round(peak_rss_mb, 1),
        }
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
