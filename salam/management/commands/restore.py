"""Restore the database, the media files and the search index from an archive made by `backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from salam import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `manage.py backup` into this hub's database, MEDIA_ROOT and search "
        "index. Refuses a target that already holds pages, media files or an index unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace what the database, media folder and index hold."
        )

    def handle(self, *args, **options) -> None:
        try:
            report = backup.restore_backup(Path(options["archive"]), force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        parts = "; ".join(report.parts.values()) or "nothing else"
        self.stdout.write(
            self.style.SUCCESS(f"Restored the {report.database} database, {report.media_files} media files; {parts}.")
        )
