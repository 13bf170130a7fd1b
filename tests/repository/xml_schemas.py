"""Validate OAI-PMH responses against the protocol's XML schemas (repository/schemas/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[2] / "repository" / "schemas"
OAI = "http://www.openarchives.org/OAI/2.0/"
DATACITE = "http://datacite.org/schema/kernel-4"
NS = {
    "oai": OAI,
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "d": DATACITE,
}
# DataCite's kernel-4 properties every record must have (Metadata Schema 4.5, "mandatory").
DATACITE_MANDATORY = (
    "identifier",
    "creators/d:creator/d:creatorName",
    "titles/d:title",
    "publisher",
    "publicationYear",
    "resourceType",
)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "validation.xsd")))


def validate(raw: bytes | str) -> etree._Element:
    """Parse and validate a whole response; raise AssertionError naming what the schema rejected.

    There is no local copy of the DataCite schema, and the envelope processes metadata strictly: each
    DataCite record is checked for its mandatory properties here, then stands aside for an empty
    oai_dc record so that the envelope around it is still validated in full.
    """
    root = etree.fromstring(raw.encode() if isinstance(raw, str) else raw)
    checked = etree.fromstring(etree.tostring(root))
    for resource in checked.iterfind(".//oai:metadata/d:resource", NS):
        for path in DATACITE_MANDATORY:
            found = resource.find(f"d:{path}", NS)
            assert found is not None and (found.text or "").strip(), f"DataCite record without {path}"
        parent = resource.getparent()
        parent.remove(resource)
        etree.SubElement(parent, f"{{{NS['oai_dc']}}}dc")
    if not schema().validate(checked):
        raise AssertionError(f"not valid OAI-PMH: {schema().error_log}\n{raw[:2000]!r}")
    return root
