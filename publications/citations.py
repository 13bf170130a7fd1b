"""How a publication is cited and described to machines: BibTeX, RIS, CSL-JSON, Google Scholar
meta tags and schema.org JSON-LD. Pure functions of a page and its absolute URLs."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rispy
from django.utils.safestring import SafeString, mark_safe

from publications.choices import PublicationType

if TYPE_CHECKING:
    from publications.models import PublicationPage

BIBTEX_TYPES = {
    PublicationType.RESEARCH_PAPER: "techreport",
    PublicationType.WORKING_PAPER: "techreport",
    PublicationType.POLICY_BRIEF: "techreport",
    PublicationType.REPORT: "techreport",
    PublicationType.BOOK_CHAPTER: "incollection",
}
RIS_TYPES = {
    PublicationType.RESEARCH_PAPER: "RPRT",
    PublicationType.WORKING_PAPER: "RPRT",
    PublicationType.POLICY_BRIEF: "RPRT",
    PublicationType.REPORT: "RPRT",
    PublicationType.BOOK_CHAPTER: "CHAP",
}
CSL_TYPES = {
    PublicationType.RESEARCH_PAPER: "report",
    PublicationType.WORKING_PAPER: "report",
    PublicationType.POLICY_BRIEF: "report",
    PublicationType.REPORT: "report",
    PublicationType.BOOK_CHAPTER: "chapter",
}
SCHEMA_TYPES = {
    PublicationType.RESEARCH_PAPER: "ScholarlyArticle",
    PublicationType.WORKING_PAPER: "ScholarlyArticle",
    PublicationType.POLICY_BRIEF: "Report",
    PublicationType.REPORT: "Report",
    PublicationType.BOOK_CHAPTER: "Chapter",
}
# BibTeX's special characters and what stands for them inside a braced field.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class CitationLinks:
    """Absolute URLs a citation refers to; the PDF only when the full text is public."""

    page_url: str
    pdf_url: str = ""


def _plain(text: str) -> str:
    return " ".join((text or "").split())


def full_title(page: PublicationPage) -> str:
    return f"{page.title}: {page.subtitle}" if page.subtitle else page.title


def publisher_name(page: PublicationPage) -> str:
    return page.institution.name if page.institution_id else "SALAM knowledge hub"


def citation_key(page: PublicationPage) -> str:
    """e.g. sharma2024recruitment: first author's family name, year and first long word of the title."""
    authors = page.authors
    family = authors[0].family_name if authors else "salam"
    word = next((w for w in re.findall(r"[^\W\d_]+", page.title) if len(w) > 3), "publication")
    raw = f"{family}{page.publication_date.year}{word}".lower()
    ascii_key = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_key) or f"salam{page.pk}"


def _bibtex_escape(text: str) -> str:
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in _plain(text))


def to_bibtex(page: PublicationPage, links: CitationLinks) -> str:
    """One BibTeX entry; titles double-braced so styles keep their capitals."""
    fields: list[tuple[str, str]] = [
        ("title", "{" + _bibtex_escape(full_title(page)) + "}"),
        ("author", " and ".join(_bibtex_escape(a.name) for a in page.authors)),
        ("year", str(page.publication_date.year)),
        ("month", page.publication_date.strftime("%b").lower()),
        ("date", page.publication_date.isoformat()),
    ]
    if page.publication_type == PublicationType.BOOK_CHAPTER:
        fields.append(("publisher", _bibtex_escape(publisher_name(page))))
    else:
        fields.append(("institution", _bibtex_escape(publisher_name(page))))
        fields.append(("type", _bibtex_escape(page.get_publication_type_display())))
    if page.doi:
        fields.append(("doi", _bibtex_escape(page.doi)))
    fields.append(("url", links.page_url))
    fields.append(("language", page.language))
    if page.abstract:
        fields.append(("abstract", _bibtex_escape(page.abstract)))
    keywords = page.keyword_names
    if keywords:
        fields.append(("keywords", _bibtex_escape(", ".join(keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{BIBTEX_TYPES[page.publication_type]}{{{citation_key(page)},\n{body}\n}}\n"


def _family_given(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


class RisRecordWriter(rispy.RisWriter):
    """rispy's RIS writer without the record number ("1.") it puts before each record.

    The number is not part of RIS: a file must start with its ``TY`` line, and some reference
    managers refuse the import otherwise.
    """

    def set_header(self, count: int) -> str:
        return ""


def to_ris(page: PublicationPage, links: CitationLinks) -> str:
    """One RIS record (the format reference managers such as Zotero and EndNote import)."""
    entry = {
        "type_of_reference": RIS_TYPES[page.publication_type],
        "title": _plain(full_title(page)),
        "authors": [", ".join(filter(None, _family_given(a.name))) for a in page.authors],
        "year": str(page.publication_date.year),
        "date": page.publication_date.strftime("%Y/%m/%d"),
        "publisher": _plain(publisher_name(page)),
        "type_of_work": page.get_publication_type_display(),
        "language": page.language,
        "urls": [links.page_url] + ([links.pdf_url] if links.pdf_url else []),
    }
    if page.abstract:
        entry["abstract"] = _plain(page.abstract)
    if page.doi:
        entry["doi"] = page.doi
    keywords = page.keyword_names
    if keywords:
        entry["keywords"] = keywords
    return rispy.dumps([entry], implementation=RisRecordWriter)


def to_csl(page: PublicationPage, links: CitationLinks) -> list[dict]:
    """CSL-JSON (an array with one item), the format citeproc and Zotero read."""
    date = page.publication_date
    item: dict = {
        "id": citation_key(page),
        "type": CSL_TYPES[page.publication_type],
        "title": _plain(full_title(page)),
        "author": [dict(zip(("family", "given"), _family_given(a.name), strict=True)) for a in page.authors],
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "publisher": publisher_name(page),
        "genre": page.get_publication_type_display(),
        "language": page.language,
        "URL": links.page_url,
    }
    if page.abstract:
        item["abstract"] = _plain(page.abstract)
    if page.doi:
        item["DOI"] = page.doi
    keywords = page.keyword_names
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return [item]


def scholar_meta(page: PublicationPage, links: CitationLinks) -> list[tuple[str, str]]:
    """Google Scholar's citation_* meta tags as (name, content) pairs, authors in order."""
    meta = [("citation_title", _plain(full_title(page)))]
    meta += [("citation_author", author.name) for author in page.authors]
    meta.append(("citation_publication_date", page.publication_date.strftime("%Y/%m/%d")))
    meta.append(("citation_language", page.language))
    if page.publication_type == PublicationType.BOOK_CHAPTER:
        meta.append(("citation_publisher", publisher_name(page)))
    else:
        meta.append(("citation_technical_report_institution", publisher_name(page)))
    if page.doi:
        meta.append(("citation_doi", page.doi))
    if links.pdf_url:
        meta.append(("citation_pdf_url", links.pdf_url))
    meta.append(("citation_abstract_html_url", links.page_url))
    meta += [("citation_keywords", name) for name in page.keyword_names]
    return meta


def json_ld(page: PublicationPage, links: CitationLinks, *, about: list[str] | None = None) -> dict:
    """schema.org description of the publication (ScholarlyArticle, Report or Chapter)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[page.publication_type],
        "headline": _plain(page.title)[:110],
        "name": _plain(full_title(page)),
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                **(
                    {"affiliation": {"@type": "Organization", "name": author.affiliation}} if author.affiliation else {}
                ),
                **({"sameAs": author.orcid_url} if author.orcid else {}),
            }
            for author in page.authors
        ],
        "datePublished": page.publication_date.isoformat(),
        "inLanguage": page.language,
        "publisher": {"@type": "Organization", "name": publisher_name(page)},
        "url": links.page_url,
        "genre": page.get_publication_type_display(),
        "isAccessibleForFree": True,
    }
    if page.abstract:
        data["abstract"] = _plain(page.abstract)
    if page.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": page.doi}
        data["sameAs"] = page.doi_url
    if page.licence_url:
        data["license"] = page.licence_url
    keywords = page.keyword_names
    if keywords:
        data["keywords"] = keywords
    if about:
        data["about"] = about
    if links.pdf_url:
        data["encoding"] = {"@type": "MediaObject", "contentUrl": links.pdf_url, "encodingFormat": "application/pdf"}
    return data


def json_ld_script(data: dict) -> SafeString:
    """The JSON-LD inside a <script> element, with <, > and & escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  (escaped above)
