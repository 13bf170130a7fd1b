"""Reading many publications at once for the search index (the content contract's preload)."""

from __future__ import annotations

from publications.models import (
    PRELOADED_AUTHORS,
    PRELOADED_EXTRACTION,
    PRELOADED_KEYWORDS,
    PdfExtraction,
    PublicationAuthor,
    PublicationKeyword,
    PublicationPage,
)
from themes.tagged import preload_taxonomy


def preload_publications(pages: list[PublicationPage], cache: dict | None = None) -> None:
    """Tags, authors, keywords and PDF text of many publications in a handful of queries.

    ``page.extraction`` costs a query per page; the same records are read here in bulk, and the
    content_* methods of each page use them instead of their own relations.
    """
    if not pages:
        return
    preload_taxonomy(pages, cache)
    ids = [page.pk for page in pages]
    authors: dict[int, list[str]] = {pk: [] for pk in ids}
    links = PublicationAuthor.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
    for page_id, name in links.values_list("page_id", "author__name"):
        authors[page_id].append(name)
    keywords: dict[int, list[str]] = {pk: [] for pk in ids}
    for page_id, name in PublicationKeyword.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    ):
        keywords[page_id].append(name)
    documents = [page.pdf_id for page in pages if page.pdf_id]
    records = {record.document_id: record for record in PdfExtraction.objects.filter(document_id__in=documents)}
    for page in pages:
        setattr(page, PRELOADED_AUTHORS, authors[page.pk])
        setattr(page, PRELOADED_KEYWORDS, sorted(keywords[page.pk]))
        setattr(page, PRELOADED_EXTRACTION, records.get(page.pdf_id))
