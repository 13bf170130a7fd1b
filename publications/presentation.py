"""What a reader sees on a publication page: the download (or the embargo notice), tags, related
publications, the "Cite this" box and the machine-readable descriptions in the page head."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse

from publications import citations
from publications.choices import ExtractionStatus

if TYPE_CHECKING:
    from publications.models import PublicationPage


def abstract_paragraphs(text: str) -> list[str]:
    """The abstract split at blank lines, each paragraph's line breaks folded into spaces."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _initials(given: str) -> str:
    return " ".join(f"{part[0]}." for part in given.replace("-", " ").split() if part)


def plain_citation(page: PublicationPage) -> str:
    """A short author-date citation in the style most policy readers recognise (APA-like)."""
    names = []
    for author in page.authors:
        family, given = author.family_name, author.given_names
        names.append(f"{family}, {_initials(given)}" if given else family)
    if len(names) > 1:
        authors = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        authors = names[0] if names else citations.publisher_name(page)
    parts = [
        f"{authors} ({page.publication_date.year}).",
        f"{citations.full_title(page)} ({page.get_publication_type_display()}).",
        f"{citations.publisher_name(page)}.",
    ]
    if page.doi:
        parts.append(page.doi_url)
    return " ".join(parts)


def is_citable(page: PublicationPage) -> bool:
    """Citations are offered only for live pages without view restrictions."""
    return bool(page.pk and page.live and not page.get_view_restrictions().exists())


def reader_context(page: PublicationPage, request: HttpRequest) -> dict:
    """Template context for the publication page."""
    user = getattr(request, "user", None)
    can_edit = bool(user and user.is_authenticated and page.pk and page.permissions_for_user(user).can_edit())
    full_text_public = page.full_text_is_public()
    citable = is_citable(page)
    document = page.pdf if page.pdf_id else None
    record = page.extraction if document else None
    download = None
    if document is not None and (full_text_public or can_edit):
        download = {
            "url": document.url,
            "size": document.get_file_size(),
            "page_count": record.page_count if record and record.status == ExtractionStatus.DONE else None,
            "embargoed_preview": not full_text_public,
        }
    # Scholar's crawler is anonymous: offer the PDF only where anyone may download it (no private collection).
    anyone_may_download = bool(
        document and full_text_public and not document.collection.get_view_restrictions().exists()
    )
    pdf_url = request.build_absolute_uri(document.url) if anyone_may_download and citable else ""
    page_url = request.build_absolute_uri(page.get_url(request)) if page.pk else request.build_absolute_uri()
    links = citations.CitationLinks(page_url=page_url, pdf_url=pdf_url)
    country_tags = [tag for tag in page.country_tags.select_related("country") if tag.country_id]
    theme_tags = [tag for tag in page.theme_tags.select_related("theme") if tag.theme_id]
    gcm_tags = sorted(
        (tag for tag in page.gcm_tags.select_related("objective") if tag.objective_id),
        key=lambda tag: tag.objective.number,
    )
    related_ids = [related.pk for related in page.related_publications.all()]
    about = [tag.country.name for tag in country_tags] + [tag.theme.name for tag in theme_tags]
    return {
        "authors": page.authors,
        "abstract_paragraphs": abstract_paragraphs(page.abstract),
        "full_text_public": full_text_public,
        "can_edit": can_edit,
        "download": download,
        "country_tags": country_tags,
        "theme_tags": theme_tags,
        "gcm_tags": gcm_tags,
        "keywords": page.keyword_names,
        "related": list(
            type(page)
            .objects.live()
            .public()
            .filter(pk__in=related_ids)
            .exclude(pk=page.pk)
            .order_by("-publication_date")
        ),
        "citable": citable,
        "cite_urls": (
            {fmt: reverse(f"publications:cite_{fmt}", args=[page.pk]) for fmt in ("bib", "ris", "json")}
            if citable
            else {}
        ),
        "plain_citation": plain_citation(page),
        "scholar_meta": citations.scholar_meta(page, links) if citable else [],
        "json_ld": citations.json_ld_script(citations.json_ld(page, links, about=about)) if citable else "",
    }
