"""Run the periodic jobs that are due: from cron every five minutes, or looping with --every (`make run`)."""

from __future__ import annotations

import argparse
import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from salam import periodic
from salam.numbers import parse_int

logger = logging.getLogger(__name__)

MAX_EVERY_S = 24 * 60 * 60


def seconds(text: str) -> int:
    """--every's value: a whole number of seconds from 1 to a day."""
    value = parse_int(text, low=1, high=MAX_EVERY_S)
    if value is None:
        raise argparse.ArgumentTypeError(f"a whole number of seconds from 1 to {MAX_EVERY_S} is needed, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Run the hub's periodic jobs that are due (each has its interval: every run, hourly or daily) and "
        "record how each ended. Run it from cron every five minutes; it exits non-zero when a job failed. "
        "--list shows the jobs and their last runs, --only NAME runs some of them, --force ignores the "
        "intervals, --every SECONDS runs them in a loop."
    )

    busy = False  # a job is under way
    stopping = False  # asked to stop (SIGTERM) while a job was under way

    def add_arguments(self, parser) -> None:
        parser.add_argument("--list", action="store_true", help="Show the jobs, their intervals and their last runs.")
        parser.add_argument(
            "--only", action="append", metavar="NAME", help="Run only this job (repeat for several; see --list)."
        )
        parser.add_argument("--force", action="store_true", help="Run the jobs even when they are not due.")
        parser.add_argument(
            "--every",
            type=seconds,
            metavar="SECONDS",
            help="Do not exit: run the due jobs every SECONDS seconds until stopped (Ctrl-C or SIGTERM).",
        )

    def handle(self, *args, **options) -> None:
        show, only, force, every = options["list"], options["only"], options["force"], options["every"]
        if show and (force or every):
            raise CommandError("--list only shows the jobs; it does not go with --force or --every.")
        if force and every:
            raise CommandError("--force runs the jobs once whether due or not; it does not go with --every.")
        try:
            jobs = periodic.jobs_named(only)
        except KeyError as exc:
            raise CommandError(
                f"No periodic job is called {exc.args[0]}. The jobs are: {', '.join(periodic.job_names())}."
            ) from exc
        if show:
            self.show(jobs)
        elif every:
            self.loop(jobs, every)
        else:
            outcomes = self.run_once(jobs, force=force)
            failed = [outcome.job.name for outcome in outcomes if outcome.status == "failed"]
            if failed:
                raise CommandError(
                    f"{len(failed)} of {len(outcomes)} periodic jobs failed: {', '.join(failed)} (see above).",
                    returncode=1,
                )

    def show(self, jobs: list[periodic.PeriodicJob]) -> None:
        runs = periodic.last_runs()
        for job in jobs:
            record = runs.get(job.name)
            self.stdout.write(f"{job.name} ({job.interval_text}): {job.description}")
            if record is None or record.last_started is None:
                self.stdout.write("    never run")
                continue
            started = f"{timezone.localtime(record.last_started):%Y-%m-%d %H:%M:%S %Z}"
            outcome = {True: "ok", False: "failed", None: "not finished"}[record.last_ok]
            if record.last_finished is None or record.last_finished < record.last_started:
                outcome = "running or interrupted"
            message = f": {record.last_message}" if record.last_message else ""
            self.stdout.write(f"    last run {started}: {outcome}{message}")
            due = periodic.next_due(job, record)
            when = f"{timezone.localtime(due):%Y-%m-%d %H:%M}" if due else "on the next run"
            self.stdout.write(f"    next due {when}")

    def run_once(self, jobs: list[periodic.PeriodicJob], *, force: bool = False) -> list[periodic.JobOutcome]:
        outcomes = []
        for job in jobs:
            if self.stopping:
                break
            self.busy = True
            try:
                outcome = periodic.run_job(job, force=force)
            finally:
                self.busy = False
            outcomes.append(outcome)
            if outcome.status == "ok":
                line = self.style.SUCCESS(f"{job.name}: ok ({outcome.seconds:.1f} s)") + f" {outcome.message}"
            elif outcome.status == "skipped":
                line = f"{job.name}: skipped, {outcome.message}"
            else:
                line = self.style.ERROR(f"{job.name}: FAILED ({outcome.seconds:.1f} s)") + f" {outcome.message}"
            self.stdout.write(line)
            self.stdout.flush()  # one line per job as it ends, also into a log file
        return outcomes

    def loop(self, jobs: list[periodic.PeriodicJob], every: int) -> None:
        previous = signal.signal(signal.SIGTERM, self.terminate)
        self.stdout.write(f"Running the periodic jobs every {every} s; stop with Ctrl-C.")
        try:
            while not self.stopping:
                started = time.monotonic()
                # A long-lived process: drop a connection the database closed or that is past its age.
                close_old_connections()
                self.stdout.write(f"--- {timezone.localtime():%Y-%m-%d %H:%M:%S %Z}")
                try:
                    self.run_once(jobs)
                except Exception:  # e.g. the database is unreachable; the next round tries again
                    self.stderr.write("The periodic jobs could not run; trying again in the next round.")
                    logger.exception("periodic jobs: the round failed")
                close_old_connections()
                if not self.stopping:
                    time.sleep(max(0.0, every - (time.monotonic() - started)))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Stopped.")

    def terminate(self, signum, frame) -> None:
        """SIGTERM (scripts/worker stop): finish the job under way, as the task workers do, then stop."""
        if not self.busy or self.stopping:  # asleep between rounds, or asked twice: stop now
            raise KeyboardInterrupt
        self.stopping = True
        logger.warning("SIGTERM: stopping after the current periodic job")
