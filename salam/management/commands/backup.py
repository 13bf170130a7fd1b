"""Back up the database, the media files and the search index into one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from salam import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive (tar): the database (pg_dump custom format, or the SQLite file), the media "
        "files and an Elasticsearch snapshot of the search index (filesystem repository under path.repo)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The archive to write, e.g. backups/salam-2026-12-06.tar.")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args, **options) -> None:
        output = Path(options["archive"])
        if output.exists() and not options["force"]:
            raise CommandError(f"{output} already exists; choose another name or use --force to overwrite it.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        try:
            manifest = backup.create_backup(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        parts = ", ".join(name for name, entry in manifest["parts"].items() if entry) or "nothing else"
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {output}: {manifest['database']} database, media, {parts}.")
        )
