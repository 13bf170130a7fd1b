"""Rules a publication's fields must meet: DOIs and ORCID iDs (normalised before they are checked), and the PDF."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from stdnum.iso7064 import mod_11_2

from publications.exceptions import NotADocument, PdfRejected

# A DOI is "10." + a registrant code (digits, optionally dotted) + "/" + a suffix without spaces.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def normalise_doi(value: str) -> str:
    """Strip resolver prefixes and whitespace so "https://doi.org/10.1/x" is stored as "10.1/x"."""
    value = (value or "").strip()
    lowered = value.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            return value[len(prefix) :].strip()
    return value


def validate_doi(value: str) -> None:
    """Reject anything that is not shaped like a DOI (10.<registrant>/<suffix>)."""
    doi = normalise_doi(value)
    if doi and not DOI_PATTERN.match(doi):
        raise ValidationError(
            "%(value)s is not a DOI. A DOI looks like 10.1234/abcd-5678 (the https://doi.org/ prefix is optional).",
            code="invalid_doi",
            params={"value": value},
        )


def normalise_orcid(value: str) -> str:
    """Turn "https://orcid.org/0000000218250097" or "0000 0002 1825 0097" into 0000-0002-1825-0097."""
    value = (value or "").strip()
    lowered = value.lower()
    for prefix in ORCID_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    compact = re.sub(r"[\s-]", "", value).upper()
    if len(compact) == 16:
        return "-".join(compact[i : i + 4] for i in range(0, 16, 4))
    return value


def validate_orcid(value: str) -> None:
    """Check an ORCID iD's shape and its ISO 7064 MOD 11-2 check character."""
    orcid = normalise_orcid(value)
    if not orcid:
        return
    if not ORCID_PATTERN.match(orcid):
        raise ValidationError(
            "%(value)s is not an ORCID iD. It has 16 characters in four groups, like 0000-0002-1825-0097.",
            code="invalid_orcid",
            params={"value": value},
        )
    if not mod_11_2.is_valid(orcid.replace("-", "")):
        raise ValidationError(
            "%(value)s has a wrong check digit: please copy the ORCID iD again from orcid.org.",
            code="invalid_orcid_checksum",
            params={"value": value},
        )


# --- PDF checks -------------------------------------------------------------------------------


def pdf_max_upload_bytes() -> int:
    """The largest PDF anyone may upload, from settings.PDF_MAX_UPLOAD_MB."""
    return int(settings.PDF_MAX_UPLOAD_MB) * 1024 * 1024


def check_pdf_file(fileobj, name: str = "") -> None:
    """Raise PdfRejected unless the file is a PDF (by its content, not its name) within the size limit."""
    from publications.pdf import validate_pdf_upload

    try:
        validate_pdf_upload(fileobj, pdf_max_upload_bytes())
    except ValidationError as exc:
        raise PdfRejected(" ".join(exc.messages)) from exc


def check_document_is_pdf(document) -> None:
    """Raise PdfRejected unless a chosen document is a real PDF named .pdf."""
    if document is None or not document.file:
        raise NotADocument()
    if document.file_extension.lower() != "pdf":
        raise PdfRejected(
            f"“{document.title}” is a .{document.file_extension or '?'} file. A publication's full text must be a PDF."
        )
    try:
        with document.open_file() as fileobj:
            check_pdf_file(fileobj, document.filename)
    except FileNotFoundError as exc:
        raise PdfRejected(f"The file of “{document.title}” is missing from storage. Please upload it again.") from exc
