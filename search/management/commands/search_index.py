"""Operate the public search index: rebuild without downtime, status, check, outbox replay."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import builders, indexing, status, tasks
from search.documents import alias_name
from search.exceptions import RebuildIncomplete
from search.indexing import ELASTICSEARCH_ERRORS


class Command(BaseCommand):
    help = (
        "Manage the public search index. --rebuild fills a new index and swaps the alias (search keeps "
        "working meanwhile); --status compares the database with the index; --check exits non-zero when "
        "the index is missing or out of date (with --repair: re-indexes what is wrong and exits non-zero only when "
        "something is still wrong); --process-outbox replays pending index operations; "
        "--lift-embargoes queues publications whose embargo has ended."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_mutually_exclusive_group(required=True)
        actions.add_argument("--rebuild", action="store_true", help="Build a new index and move the alias to it.")
        actions.add_argument("--status", action="store_true", help="Documents in the database and the index.")
        actions.add_argument("--check", action="store_true", help="Exit with status 1 when the index is stale.")
        actions.add_argument("--process-outbox", action="store_true", help="Replay pending index operations now.")
        actions.add_argument("--lift-embargoes", action="store_true", help="Queue publications whose embargo ended.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="With --rebuild: only when the alias is missing or the index has no documents.",
        )
        parser.add_argument("--no-progress", action="store_true", help="With --rebuild: no progress bar.")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="With --check: re-index every page found missing, extra, outdated or with the wrong embargo state.",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and not options["rebuild"]:
            raise CommandError("--if-empty only goes with --rebuild.")
        if options["repair"] and not options["check"]:
            raise CommandError("--repair only goes with --check.")
        try:
            if options["rebuild"]:
                self.rebuild(if_empty=options["if_empty"], progress=not options["no_progress"])
            elif options["status"]:
                self.show_status(deep=False)
            elif options["check"]:
                self.check_index(repair=options["repair"])
            elif options["process_outbox"]:
                self.process_outbox()
            else:
                count = tasks.queue_lifted_embargoes()
                self.stdout.write(f"{count} publications queued for re-indexing (embargo ended).")
        except RebuildIncomplete as exc:
            raise CommandError(exc.message) from exc
        except ELASTICSEARCH_ERRORS as exc:
            raise CommandError(
                f"Elasticsearch is not available ({exc.__class__.__name__}: {str(exc)[:200]}). "
                "Start it with `scripts/elasticsearch start` or set ELASTICSEARCH_URL."
            ) from exc

    def rebuild(self, *, if_empty: bool, progress: bool) -> None:
        if if_empty:
            count = indexing.document_count()
            if count:
                self.stdout.write(f"The index {alias_name()!r} has {count} documents; nothing to do.")
                return
        total = sum(builders.count_indexable().values())
        bar = tqdm(total=total, unit="doc", desc="Indexing", file=self.stderr, disable=not progress, leave=True)
        sent = 0

        def advance(done: int) -> None:
            nonlocal sent
            bar.update(done - sent)
            sent = done

        try:
            report = indexing.rebuild(on_chunk=advance)
        finally:
            bar.close()
        from search.tasks import schedule_embargo_sweep

        schedule_embargo_sweep()
        removed = f"; removed {', '.join(report.removed)}" if report.removed else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {report.documents} documents into {report.index} in {report.seconds:.1f} s "
                f"({report.docs_per_second:.0f} documents/s); the alias {alias_name()!r} points to it{removed}."
            )
        )
        if report.errors:
            sample = "; ".join(f"page {pk}: {error}" for pk, error in list(report.errors.items())[:5])
            raise CommandError(f"{len(report.errors)} documents were refused: {sample}")

    def show_status(self, *, deep: bool) -> status.IndexStatus:
        report = status.status(deep=deep)
        self.stdout.write(f"Alias: {report.alias} -> {', '.join(report.indices) or '(missing)'}")
        for kind in sorted(set(report.database) | set(report.index)):
            self.stdout.write(
                f"  {kind}: {report.database.get(kind, 0)} in the database, {report.index.get(kind, 0)} in the index"
            )
        self.stdout.write(f"Outbox: {report.pending} pending, {report.failing} failed at least once")
        if report.oldest_pending:
            self.stdout.write(f"  oldest pending since {report.oldest_pending:%Y-%m-%d %H:%M:%S %Z}")
        if report.last_error:
            self.stdout.write(f"  last error: {report.last_error}")
        for problem in report.problems:
            self.stdout.write(self.style.WARNING(f"Problem: {problem}"))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The index is up to date."))
        return report

    def check_index(self, *, repair: bool = False) -> None:
        report = self.show_status(deep=True)
        if report.ok:
            return
        if repair and report.indices:
            self.stdout.write(
                f"Repairing: re-indexing {len(report.pages_to_repair)} pages and replaying the outbox ..."
            )
            repaired = status.repair(report)
            self.stdout.write(repaired.summary())
            for problem in repaired.after.problems:
                self.stdout.write(self.style.WARNING(f"Still wrong: {problem}"))
            if repaired.replay.error:
                self.stdout.write(self.style.WARNING(f"Last error: {repaired.replay.error}"))
            if repaired.ok:
                self.stdout.write(self.style.SUCCESS("The index is up to date."))
                return
            raise CommandError(
                "The search index is still wrong after the repair (see above); "
                "if it stays so, run `manage.py search_index --rebuild`.",
                returncode=1,
            )
        raise CommandError(
            "The search index is missing or out of date; run `manage.py search_index --rebuild`.", returncode=1
        )

    def process_outbox(self) -> None:
        report = indexing.replay_outbox()
        if indexing.document_count() is not None:
            indexing.refresh()  # so that a --status or --check right after sees the result
        self.stdout.write(
            f"Outbox: {report.synced} pages synced, {report.failed} failed, {report.remaining} still pending."
        )
        if report.error:
            self.stdout.write(self.style.WARNING(f"Last error: {report.error}"))
