"""Bulk import of publications from a folder of PDFs and a CSV describing them.

Each row becomes a draft (or live) PublicationPage with its PDF, authors and tags, inside its own
transaction: a bad row is reported and leaves nothing behind, and the import carries on.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.utils.file import hash_filelike

from publications import services, validators
from publications.exceptions import ImportRowError, PdfRejected
from publications.models import (
    LANGUAGE_CHOICES,
    LICENCE_CHOICES,
    Author,
    PdfExtraction,
    PublicationIndexPage,
    PublicationPage,
    PublicationType,
)
from publications.pdf import sha256_of_file
from publications.validators import normalise_doi, normalise_orcid, validate_doi, validate_orcid
from salam.models import PartnerInstitute
from salam.numbers import parse_int
from themes.models import Country, GCMObjective, Theme

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("file", "title", "type", "date", "abstract")
LIST_SEPARATOR = ";"
AUTHOR_PART_SEPARATOR = "|"

COLUMNS_HELP = """CSV columns (UTF-8, first row is the header; column names are case-insensitive):
  file           required  the PDF's path, relative to FOLDER
  title          required  the title
  type           required  research_paper, working_paper, policy_brief, report or book_chapter
                           (or their labels, e.g. "Policy brief")
  date           required  publication date, YYYY-MM-DD
  abstract       required  plain text; blank lines separate paragraphs
  subtitle                 optional
  authors                  "Name | Affiliation | ORCID" entries separated by ";" (affiliation and
                           ORCID optional); existing authors are reused by ORCID, then by name
  language                 ISO 639-1 code (default en)
  doi                      e.g. 10.1234/abcd (https://doi.org/ prefix allowed)
  licence                  CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-ND-4.0, CC0-1.0 or
                           all-rights-reserved (default CC-BY-4.0)
  keywords                 separated by ";"
  countries                ISO alpha-2 codes or country names, separated by ";"
  themes                   theme slugs or names, separated by ";"
  gcm                      GCM objective numbers (1-23), separated by ";"
  institution              the name of a partner institute
  embargo_until            YYYY-MM-DD; the PDF stays hidden until then
Tags given here are recorded as set by an editor."""


@dataclass
class ImportReport:
    """What an import did: pages created, files skipped as already imported, rows that failed."""

    created: list[PublicationPage] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)


def missing_columns(fieldnames: list[str] | None) -> list[str]:
    """The required columns a CSV header lacks."""
    present = {(name or "").strip().lower() for name in fieldnames or []}
    return [column for column in REQUIRED_COLUMNS if column not in present]


def normalise_row(row: dict) -> dict[str, str]:
    """Lower-case, trimmed keys and values; raises ImportRowError for rows with extra fields."""
    if None in row:
        raise ImportRowError("The row has more fields than the header. Check for unquoted commas.")
    return {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}


def already_imported(sha256: str) -> PdfExtraction | None:
    """The extraction record of a document with the same content, if one exists."""
    return PdfExtraction.objects.filter(sha256=sha256).select_related("document").first()


def import_row(row: dict[str, str], folder: Path, parent: PublicationIndexPage, *, live: bool) -> PublicationPage:
    """Create one publication from a normalised CSV row; raises ImportRowError with a readable reason."""
    path = _pdf_path(row, folder)
    values = _parse_fields(row)
    sha256 = sha256_of_file(path)
    with open(path, "rb") as handle:
        try:
            validators.check_pdf_file(File(handle, name=path.name), path.name)
        except PdfRejected as exc:
            raise ImportRowError(f"{path.name}: {exc}") from exc
    document_model = get_document_model()
    document = None
    try:
        with transaction.atomic():
            with open(path, "rb") as handle:
                document = document_model(title=values["title"])
                document.file.save(path.name, File(handle), save=False)
                handle.seek(0)
                document.file_size = path.stat().st_size
                document.file_hash = hash_filelike(handle)
            document.save()
            # The content hash is recorded now, so running the import again skips this file at once.
            services.request_extraction(document.pk, sha256=sha256)
            page = _build_page(values, document)
            parent.add_child(instance=page)
            revision = page.save_revision()
            if live:
                revision.publish()
                page.refresh_from_db()
            return page
    except ValidationError as exc:
        _delete_file(document)
        raise ImportRowError(_validation_text(exc)) from exc
    except Exception:
        _delete_file(document)
        raise


def _delete_file(document) -> None:
    if document is not None and document.file:
        document.file.storage.delete(document.file.name)


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _pdf_path(row: dict[str, str], folder: Path) -> Path:
    name = row.get("file", "")
    if not name:
        raise ImportRowError("The file column is empty.")
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents:
        raise ImportRowError(f"{name}: the file must be inside the import folder.")
    if not path.is_file():
        raise ImportRowError(f"{name}: no such file in the import folder.")
    return path


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _parse_date(value: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImportRowError(f"{column}: “{value}” is not a date in the form YYYY-MM-DD.") from None


def _parse_type(value: str) -> str:
    by_label = {label.lower(): key for key, label in PublicationType.choices}
    key = value.lower().replace(" ", "_").replace("-", "_")
    if key in PublicationType.values:
        return key
    if value.lower() in by_label:
        return by_label[value.lower()]
    raise ImportRowError(f"type: “{value}” is not one of {', '.join(PublicationType.values)}.")


def _parse_fields(row: dict[str, str]) -> dict:
    if not row.get("title"):
        raise ImportRowError("The title column is empty.")
    if not row.get("abstract"):
        raise ImportRowError("The abstract column is empty: every publication needs an abstract.")
    values: dict = {
        "title": row["title"],
        "subtitle": row.get("subtitle", ""),
        "abstract": row.get("abstract", ""),
        "publication_type": _parse_type(row.get("type", "")),
        "publication_date": _parse_date(row.get("date", ""), "date"),
        "doi": normalise_doi(row.get("doi", "")),
    }
    try:
        validate_doi(values["doi"])
    except ValidationError as exc:
        raise ImportRowError(f"doi: {' '.join(exc.messages)}") from None
    language = (row.get("language") or "en").lower()
    if language not in dict(LANGUAGE_CHOICES):
        raise ImportRowError(f"language: “{language}” is not one of the ISO 639-1 codes we publish in.")
    values["language"] = language
    licence = row.get("licence") or "CC-BY-4.0"
    licences = {key.lower(): key for key, _label in LICENCE_CHOICES}
    if licence.lower() not in licences:
        raise ImportRowError(f"licence: “{licence}” is not one of {', '.join(licences.values())}.")
    values["licence"] = licences[licence.lower()]
    values["embargo_until"] = _parse_date(row["embargo_until"], "embargo_until") if row.get("embargo_until") else None
    values["institution"] = None
    if row.get("institution"):
        values["institution"] = PartnerInstitute.objects.filter(name__iexact=row["institution"]).first()
        if values["institution"] is None:
            raise ImportRowError(f"institution: “{row['institution']}” is not a partner institute.")
    values["authors"] = [_author(entry) for entry in _split(row.get("authors", ""))]
    values["countries"] = [_country(entry) for entry in _split(row.get("countries", ""))]
    values["themes"] = [_theme(entry) for entry in _split(row.get("themes", ""))]
    values["objectives"] = [_objective(entry) for entry in _split(row.get("gcm", ""))]
    values["keywords"] = _split(row.get("keywords", ""))
    return values


def _author(entry: str) -> Author:
    parts = [part.strip() for part in entry.split(AUTHOR_PART_SEPARATOR)]
    name = " ".join(parts[0].split())
    affiliation = parts[1] if len(parts) > 1 else ""
    orcid = normalise_orcid(parts[2]) if len(parts) > 2 else ""
    if not name:
        raise ImportRowError(f"authors: “{entry}” has no name.")
    if orcid:
        try:
            validate_orcid(orcid)
        except ValidationError as exc:
            raise ImportRowError(f"authors: {' '.join(exc.messages)}") from None
        existing = Author.objects.filter(orcid=orcid).first()
        if existing:
            return existing
    existing = Author.objects.filter(name__iexact=name, affiliation__iexact=affiliation).first()
    if existing:
        return existing
    author = Author(name=name, affiliation=affiliation, orcid=orcid)
    author.full_clean()
    author.save()
    return author


def _country(entry: str) -> Country:
    country = Country.objects.filter(alpha2=entry.upper()).first() if len(entry) == 2 else None
    country = country or Country.objects.filter(name__iexact=entry).first()
    if country is None:
        raise ImportRowError(f"countries: “{entry}” is not a country in the taxonomy (use ISO codes such as NP).")
    return country


def _theme(entry: str) -> Theme:
    theme = Theme.objects.filter(slug=entry.lower()).first() or Theme.objects.filter(name__iexact=entry).first()
    if theme is None:
        raise ImportRowError(f"themes: “{entry}” is not a theme in the taxonomy.")
    return theme


def _objective(entry: str) -> GCMObjective:
    number = parse_int(entry, low=1, high=23)
    objective = GCMObjective.objects.filter(number=number).first() if number is not None else None
    if objective is None:
        raise ImportRowError(f"gcm: “{entry}” is not a GCM objective number (1 to 23).")
    return objective


def _build_page(values: dict, document) -> PublicationPage:
    page = PublicationPage(
        title=values["title"],
        subtitle=values["subtitle"],
        abstract=values["abstract"],
        publication_type=values["publication_type"],
        publication_date=values["publication_date"],
        language=values["language"],
        doi=values["doi"],
        licence=values["licence"],
        embargo_until=values["embargo_until"],
        institution=values["institution"],
        pdf=document,
        live=False,
    )
    page.add_editor_metadata(
        authors=values["authors"],
        countries=values["countries"],
        themes=values["themes"],
        objectives=values["objectives"],
        keywords=values["keywords"],
    )
    return page
