"""Identifier rules for publications: DOIs and ORCID iDs, normalised before they are checked."""

import re

from django.core.exceptions import ValidationError
from stdnum.iso7064 import mod_11_2

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
