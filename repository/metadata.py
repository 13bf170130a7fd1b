"""The metadata formats the OAI-PMH endpoint offers: oai_dc (required by the protocol) and DataCite kernel-4.

Both say only what the public publication page says. The PDF's address appears only while the
full text is public (after the embargo); an embargoed record still carries its metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement

from django.http import HttpRequest

from publications.models import PublicationPage, PublicationType
from repository.records import pdf_is_public

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DATACITE_NS = "http://datacite.org/schema/kernel-4"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"

# Characters XML 1.0 cannot carry at all (an abstract pasted from a PDF may hold some).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# COAR resource types are what aggregators (OpenAIRE, BASE) map; DataCite's general type beside them.
DC_TYPES = {
    PublicationType.RESEARCH_PAPER: "info:eu-repo/semantics/article",
    PublicationType.WORKING_PAPER: "info:eu-repo/semantics/workingPaper",
    PublicationType.POLICY_BRIEF: "info:eu-repo/semantics/report",
    PublicationType.REPORT: "info:eu-repo/semantics/report",
    PublicationType.BOOK_CHAPTER: "info:eu-repo/semantics/bookPart",
}
DATACITE_GENERAL_TYPES = {
    PublicationType.RESEARCH_PAPER: "JournalArticle",
    PublicationType.WORKING_PAPER: "Preprint",
    PublicationType.POLICY_BRIEF: "Report",
    PublicationType.REPORT: "Report",
    PublicationType.BOOK_CHAPTER: "BookChapter",
}


def xml_text(value: object) -> str:
    """Text safe for XML 1.0."""
    return _NOT_XML.sub("", str(value))


@dataclass(frozen=True)
class PublicationFacts:
    """What both formats say about a publication, read once."""

    page: PublicationPage
    url: str
    pdf_url: str
    authors: list
    countries: list
    themes: list
    objectives: list
    keywords: list[str]
    publisher: str


def publication_facts(page: PublicationPage, request: HttpRequest) -> PublicationFacts:
    """Read a publication's public facts (the PDF only when its full text is public)."""
    url = request.build_absolute_uri(page.get_url(request))
    pdf_url = request.build_absolute_uri(page.pdf.url) if pdf_is_public(page) else ""
    return PublicationFacts(
        page=page,
        url=url,
        pdf_url=pdf_url,
        authors=page.authors,
        countries=[t.country for t in page.country_tags.all() if t.country_id],
        themes=[t.theme for t in page.theme_tags.all() if t.theme_id],
        objectives=sorted((t.objective for t in page.gcm_tags.all() if t.objective_id), key=lambda o: o.number),
        keywords=page.keyword_names,
        publisher=page.institution.name if page.institution_id else "SALAM knowledge hub",
    )


def _title(page: PublicationPage) -> str:
    return f"{page.title}: {page.subtitle}" if page.subtitle else page.title


def oai_dc(facts: PublicationFacts) -> Element:
    """Unqualified Dublin Core, as the protocol requires every repository to offer."""
    page = facts.page
    root = Element(
        f"{{{OAI_DC_NS}}}dc",
        {f"{{{XSI_NS}}}schemaLocation": f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"},
    )

    def add(name: str, value: str, lang: str = "") -> None:
        if value:
            element = SubElement(root, f"{{{DC_NS}}}{name}", {XML_LANG: lang} if lang else {})
            element.text = xml_text(value)

    add("title", _title(page), page.language)
    for author in facts.authors:
        add("creator", author.name)
    for name in (
        facts.keywords
        + [theme.name for theme in facts.themes]
        + [f"GCM objective {o.number}: {o.title}" for o in facts.objectives]
    ):
        add("subject", name)
    add("description", page.abstract, page.language)
    add("publisher", facts.publisher)
    add("date", page.publication_date.isoformat())
    add("type", DC_TYPES.get(page.publication_type, "info:eu-repo/semantics/other"))
    add("type", page.get_publication_type_display())
    if facts.pdf_url:
        add("format", "application/pdf")
    add("identifier", facts.url)
    if page.doi:
        add("identifier", page.doi_url)
    add("identifier", facts.pdf_url)
    add("language", page.language)
    for country in facts.countries:
        add("coverage", country.name)
    add("rights", page.licence_url or page.get_licence_display())
    add(
        "rights",
        "info:eu-repo/semantics/openAccess" if page.full_text_is_public() else "info:eu-repo/semantics/embargoedAccess",
    )
    return root


def datacite(facts: PublicationFacts) -> Element:
    """DataCite Metadata Schema 4 (kernel-4): creators with ORCID iDs, subjects with their scheme, rights."""
    page = facts.page
    root = Element(
        f"{{{DATACITE_NS}}}resource",
        {f"{{{XSI_NS}}}schemaLocation": f"{DATACITE_NS} http://schema.datacite.org/meta/kernel-4.5/metadata.xsd"},
    )

    def add(parent: Element, name: str, value: str = "", **attrs: str) -> Element:
        element = SubElement(parent, f"{{{DATACITE_NS}}}{name}", attrs)
        if value:
            element.text = xml_text(value)
        return element

    # DataCite names a DOI; without one the page's address identifies the work (as Zenodo's OAI feed does).
    if page.doi:
        add(root, "identifier", page.doi, identifierType="DOI")
    else:
        add(root, "identifier", facts.url, identifierType="URL")
    creators = add(root, "creators")
    for author in facts.authors or []:
        creator = add(creators, "creator")
        add(creator, "creatorName", author.name, nameType="Personal")
        if author.given_names:
            add(creator, "givenName", author.given_names)
        add(creator, "familyName", author.family_name)
        if author.orcid:
            add(
                creator, "nameIdentifier", author.orcid_url, nameIdentifierScheme="ORCID", schemeURI="https://orcid.org"
            )
        if author.affiliation:
            add(creator, "affiliation", author.affiliation)
    if not facts.authors:
        add(add(creators, "creator"), "creatorName", facts.publisher, nameType="Organizational")
    titles = add(root, "titles")
    add(titles, "title", page.title, **{XML_LANG: page.language})
    if page.subtitle:
        add(titles, "title", page.subtitle, titleType="Subtitle")
    add(root, "publisher", facts.publisher)
    add(root, "publicationYear", str(page.publication_date.year))
    add(
        root,
        "resourceType",
        page.get_publication_type_display(),
        resourceTypeGeneral=DATACITE_GENERAL_TYPES.get(page.publication_type, "Text"),
    )
    subjects = add(root, "subjects")
    for keyword in facts.keywords:
        add(subjects, "subject", keyword)
    for theme in facts.themes:
        add(subjects, "subject", theme.name, subjectScheme="SALAM themes")
    for objective in facts.objectives:
        add(
            subjects,
            "subject",
            f"Objective {objective.number}: {objective.title}",
            subjectScheme="Global Compact for Migration",
        )
    dates = add(root, "dates")
    add(dates, "date", page.publication_date.isoformat(), dateType="Issued")
    if page.embargo_until:
        add(dates, "date", page.embargo_until.isoformat(), dateType="Available")
    add(root, "language", page.language)
    alternates = add(root, "alternateIdentifiers")
    add(alternates, "alternateIdentifier", facts.url, alternateIdentifierType="URL")
    if facts.pdf_url:
        add(add(root, "formats"), "format", "application/pdf")
    rights = add(root, "rightsList")
    add(rights, "rights", page.get_licence_display(), **({"rightsURI": page.licence_url} if page.licence_url else {}))
    descriptions = add(root, "descriptions")
    add(descriptions, "description", page.abstract, descriptionType="Abstract")
    if facts.countries:
        locations = add(root, "geoLocations")
        for country in facts.countries:
            add(add(locations, "geoLocation"), "geoLocationPlace", country.name)
    return root


@dataclass(frozen=True)
class MetadataFormat:
    """A format as ListMetadataFormats names it, and the function that writes a record in it."""

    prefix: str
    schema: str
    namespace: str
    write: Callable[[PublicationFacts], Element]


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS, oai_dc),
    "datacite": MetadataFormat(
        "datacite", "http://schema.datacite.org/meta/kernel-4.5/metadata.xsd", DATACITE_NS, datacite
    ),
}
