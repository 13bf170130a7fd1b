"""Run the tagger again over publications and lectures (all of them, or one page)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from themes import services
from themes.exceptions import NotTaggable


def _keys(keys: list[tuple[str, str]]) -> str:
    return ", ".join(f"{family}:{code}" for family, code in keys) or "-"


class Command(BaseCommand):
    help = (
        "Tag publications and lectures again with the current vocabulary: store fresh suggestions and "
        "update the tagger's tags (editors' decisions are kept). --dry-run shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, metavar="ID", help="Only this page (its id in the admin URL).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, page: int | None = None, dry_run: bool = False, verbosity: int = 1, **options):
        if page is not None:
            if page <= 0:
                raise CommandError("--page takes a page id, a positive number.")
            try:
                services.taggable_page(page)
            except NotTaggable as exc:
                raise CommandError(str(exc)) from exc
            page_ids = [page]
        else:
            page_ids = services.taggable_page_ids()

        changed = failed = 0
        progress = tqdm(
            total=len(page_ids), desc="Tagging pages", unit="page", file=self.stderr, disable=verbosity == 0
        )
        for outcome in services.retag_pages(page_ids, dry_run=dry_run):
            progress.update(1)
            if isinstance(outcome, Exception):
                failed += 1
                if page is not None:
                    progress.close()
                    raise CommandError(str(outcome))
                progress.write(self.style.ERROR(f"failed: {outcome}"), file=self.stdout, end="")
                continue
            if outcome.changed:
                changed += 1
            if outcome.changed or verbosity > 1:
                progress.write(
                    f"{'would change' if dry_run else 'changed'} page {outcome.page_id} “{outcome.title}”: "
                    f"+{_keys(outcome.added)} -{_keys(outcome.removed)}"
                    + (f" (accepted by editors: {_keys(outcome.promoted)})" if outcome.promoted else "")
                    + (f" [{outcome.written}]" if outcome.written else ""),
                    file=self.stdout,
                    end="",
                )
        progress.close()
        verb = "would change" if dry_run else "changed"
        summary = f"{len(page_ids)} page(s) tagged, {changed} {verb}, {failed} failed."
        self.stdout.write(self.style.WARNING(summary) if failed else self.style.SUCCESS(summary))
