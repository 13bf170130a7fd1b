"""Factories for the search tests: synthetic index documents, and real pages with text and tags."""

from __future__ import annotations

import datetime
import itertools
import time

from django.utils import timezone
from elasticsearch import Elasticsearch, helpers

from search import documents, indexing

_ids = itertools.count(900_001)


def synthetic(title: str, **fields) -> dict:
    """A document shaped like the builders' output, for tests of querying (not of building)."""
    page_id = fields.pop("page_id", next(_ids))
    date = fields.pop("date", datetime.date(2023, 6, 1))
    pages = fields.pop("pages", [])
    doc = {
        "page_id": page_id,
        "kind": "publication",
        "type": "research_paper",
        "title": title,
        "subtitle": "",
        "abstract": "",
        "authors": [],
        "institution": "",
        "keywords": [],
        "countries": [],
        "country_names": [],
        "themes": [],
        "theme_names": [],
        "gcm": [],
        "gcm_names": [],
        "date": date.isoformat(),
        "year": date.year,
        "language": "en",
        "url": f"/publications/doc-{page_id}/",
        "full_text_public": True,
        "pages": [{"number": n, "text": text} for n, text in enumerate(pages, start=1)],
    }
    doc.update(fields)
    if doc["kind"] == "lecture":
        doc["type"] = "lecture"
    doc["has_full_text"] = bool(doc["pages"])
    return doc


def load(client: Elasticsearch, docs: list[dict], *, index: str | None = None) -> None:
    """Index synthetic documents the way the indexer does (lemma copies added) and refresh."""
    target = index or documents.alias_name()
    # Synthetic documents need no database. Clock versions run ahead of the indexer's counter, so a
    # replay in the same test cannot overwrite one: tests that mix the two use real pages instead.
    version = time.time_ns() // 1_000
    actions = [
        {
            "_op_type": "index",
            "_index": target,
            "_id": str(doc["page_id"]),
            "version": version,
            "version_type": "external",
            "_source": documents.prepare(doc),
        }
        for doc in docs
    ]
    helpers.bulk(client, actions, refresh=True)


def fresh_index(client: Elasticsearch) -> str:
    """Drop whatever the test alias points at and create an empty index behind it."""
    drop_all(client)
    name = documents.new_index_name()
    indexing.create_index(client, name, aliases=[documents.alias_name()])
    return name


def drop_all(client: Elasticsearch) -> None:
    """Remove every index behind the test alias and the building alias."""
    names = set(indexing.indices_with_alias(client, documents.alias_name()))
    names |= set(indexing.indices_with_alias(client, documents.building_alias_name()))
    for name in names:
        client.indices.delete(index=name, ignore_unavailable=True)


# --- real pages -------------------------------------------------------------------------------


def publications_index(site_root):
    """The live publications index under the home page (created once per test database)."""
    from publications.models import PublicationIndexPage
    from tests.factories.publications import make_index

    existing = PublicationIndexPage.objects.child_of(site_root).first()
    return existing or make_index(site_root)


def _tag_rows(page_model, countries=(), themes=(), gcm=()):
    from themes.models import Country, GCMObjective, Theme

    rows = []
    for related, model, lookup, values in (
        ("country_tags", Country, "alpha2", countries),
        ("theme_tags", Theme, "slug", themes),
        ("gcm_tags", GCMObjective, "number", gcm),
    ):
        tag_model = page_model._meta.get_field(related).related_model
        field = {"country_tags": "country", "theme_tags": "theme", "gcm_tags": "objective"}[related]
        for order, value in enumerate(values):
            rows.append((related, tag_model(**{field: model.objects.get(**{lookup: value}), "sort_order": order})))
    return rows


def publication(
    site_root,
    title: str,
    *,
    pages: list[str] | None = None,
    countries=(),
    themes=(),
    gcm=(),
    live: bool = True,
    authors: list[str] = (),
    **fields,
):
    """A publication page with tags, authors and (optionally) a PDF whose extracted text is ``pages``.

    The PDF is real (reportlab) and its extraction record is written as the extractor would leave
    it, so tests do not wait for pdfminer; one test runs the real extraction end to end.
    """
    from publications.models import Author, PdfExtraction, PublicationPage
    from tests.factories.publications import make_document, make_publication, pdf_bytes

    pdf = None
    if pages is not None:
        pdf = make_document(pdf_bytes(tuple(pages), title=title), name=f"paper-{next(_ids)}.pdf", title=title)
        PdfExtraction.objects.update_or_create(
            document=pdf,
            defaults={
                "status": "done",
                "pages": list(pages),
                "page_count": len(pages),
                "file_name": pdf.file.name,
                "file_size": pdf.file_size,
                "finished_at": timezone.now(),
            },
        )
    author_objects = [Author.objects.get_or_create(name=name)[0] for name in authors]
    page = make_publication(
        publications_index(site_root), title=title, live=False, pdf=pdf, authors=author_objects, **fields
    )
    for related, row in _tag_rows(PublicationPage, countries, themes, gcm):
        getattr(page, related).add(row)
    page.save()
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


def lecture(
    site_root, title: str, *, transcript: str = "", countries=(), themes=(), gcm=(), live: bool = True, **fields
):
    """A lecture page with tags and a transcript, published unless live=False."""
    from lectures.models import LecturePage
    from tests.factories.lectures import lecture_index, make_lecture

    page = make_lecture(lecture_index(site_root), title=title, transcript=transcript, live=False, **fields)
    for related, row in _tag_rows(LecturePage, countries, themes, gcm):
        getattr(page, related).add(row)
    page.save()
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page
