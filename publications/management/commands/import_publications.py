"""Import publications from a folder of PDFs described by a CSV file."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from publications import importer
from publications.exceptions import ImportRowError
from publications.models import PublicationIndexPage
from publications.pdf import sha256_of_file


class Command(BaseCommand):
    help = (
        "Create publications (drafts unless --live) from the PDFs in FOLDER described by CSV. Files already "
        "imported (same content) are skipped; bad rows are reported at the end and do not stop the import.\n\n"
        + importer.COLUMNS_HELP
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        from django.core.management.base import DjangoHelpFormatter

        class KeepLineBreaks(DjangoHelpFormatter):
            def _fill_text(self, text, width, indent):
                return "".join(indent + line for line in text.splitlines(keepends=True))

        kwargs["formatter_class"] = KeepLineBreaks
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder holding the PDFs named in the CSV's file column.")
        parser.add_argument("csv", help="The CSV file describing the publications (columns below).")
        parser.add_argument("--live", action="store_true", help="Publish the pages instead of leaving drafts.")
        parser.add_argument(
            "--parent",
            type=int,
            help="ID of the publications index to import into (default: the first publications index).",
        )

    def handle(self, *args, **options):
        folder = Path(options["folder"])
        csv_path = Path(options["csv"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        if not csv_path.is_file():
            raise CommandError(f"{csv_path} is not a file.")
        parent = self._parent(options["parent"])
        rows = self._read_rows(csv_path)
        report = importer.ImportReport()
        live = options["live"]
        seen: dict[str, int] = {}
        for number, raw in enumerate(tqdm(rows, desc="Importing publications", unit="row", file=self.stderr), 2):
            name = ""
            try:
                row = importer.normalise_row(raw)
                name = row.get("file", "")
                path = folder / row.get("file", "")
                sha256 = sha256_of_file(path) if row.get("file") and path.is_file() else ""
                if sha256:
                    previous = importer.already_imported(sha256)
                    if previous is not None or sha256 in seen:
                        where = f"row {seen[sha256]}" if sha256 in seen else f"document {previous.document_id}"
                        report.skipped.append((number, name, f"already imported ({where})"))
                        continue
                report.created.append(importer.import_row(row, folder, parent, live=live))
                if sha256:
                    seen[sha256] = number
            except ImportRowError as exc:
                report.failed.append((number, name, str(exc)))
            except Exception as exc:
                report.failed.append((number, name, f"unexpected error: {exc.__class__.__name__}: {exc}"))
        self._print_report(report, live)

    def _parent(self, parent_id):
        if parent_id is not None:
            parent = PublicationIndexPage.objects.filter(pk=parent_id).first()
            if parent is None:
                raise CommandError(f"There is no publications index with ID {parent_id}.")
            return parent
        parent = PublicationIndexPage.objects.order_by("path").first()
        if parent is None:
            raise CommandError("There is no publications index yet: create one in the admin or pass --parent.")
        return parent

    def _read_rows(self, csv_path: Path) -> list[dict]:
        try:
            with open(csv_path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = importer.missing_columns(reader.fieldnames)
                if missing:
                    raise CommandError(
                        f"{csv_path} lacks the required column(s): {', '.join(missing)}. "
                        f"Required: {', '.join(importer.REQUIRED_COLUMNS)}."
                    )
                return list(reader)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{csv_path} is not UTF-8 text ({exc.reason}). Save it as CSV UTF-8.") from None
        except csv.Error as exc:
            raise CommandError(f"{csv_path} is not a readable CSV file: {exc}") from None

    def _print_report(self, report: importer.ImportReport, live: bool) -> None:
        state = "live" if live else "draft"
        self.stdout.write(self.style.SUCCESS(f"Created {len(report.created)} {state} publication(s)."))
        if report.skipped:
            self.stdout.write(f"Skipped {len(report.skipped)} file(s) already imported:")
            for number, name, reason in report.skipped:
                self.stdout.write(f"  row {number} ({name}): {reason}")
        if report.failed:
            self.stdout.write(self.style.ERROR(f"{len(report.failed)} row(s) failed:"))
            for number, name, reason in report.failed:
                self.stdout.write(f"  row {number} ({name or 'no file'}): {reason}")
