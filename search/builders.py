"""Turn live, public pages into search documents (publications and lectures).

Only what the public may see goes in: pages that are live, public (no view restriction on them
or an ancestor) and routable. A publication under embargo is indexed with its metadata only;
its text is not sent to Elasticsearch at all until the embargo lifts (search.tasks re-indexes
it that day), so it can be neither found nor highlighted.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from search.documents import prepare_many

logger = logging.getLogger(__name__)

# Elasticsearch refuses more than 10,000 nested objects per document; pages beyond this are rare
# (books) and their first pages carry what a reader searches for.
MAX_PASSAGES = 5_000
MAX_PASSAGE_CHARS = 50_000
# A transcript passage: about this many words or seconds, whichever comes first.
TRANSCRIPT_PASSAGE_WORDS = 150
TRANSCRIPT_PASSAGE_SECONDS = 120


@dataclass(frozen=True)
class IndexedType:
    """A page model that appears in public search, and how to read its pages efficiently."""

    label: str
    kind: str
    build: Callable[[Page, datetime.date], dict]
    select_related: tuple[str, ...]
    prefetch_related: tuple[str, ...]
    # Loads, for a batch of pages, what the builder would otherwise fetch page by page; the dict
    # lives as long as one rebuild or replay (taxonomy terms are read once into it).
    preload: Callable[[list[Page], dict], None] | None = None

    @property
    def model(self) -> type[Page] | None:
        try:
            return apps.get_model(self.label)
        except LookupError:
            return None

    def queryset(self) -> QuerySet:
        """Live, public, original (not alias) pages of this type, ready to build documents from."""
        model = self.model
        return (
            model.objects.live()
            .public()
            .filter(alias_of__isnull=True)
            .select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by("pk")
        )


_TAG_FAMILIES = (("country_tags", "country"), ("theme_tags", "theme"), ("gcm_tags", "objective"))
_TAGS, _AUTHORS, _KEYWORDS, _EXTRACTION = "_search_tags", "_search_authors", "_search_keywords", "_search_extraction"
_URL = "_search_url"


def page_url(page: Page) -> str | None:
    """``page.get_url()``, computed once per page object (a URL reverse costs more than the rest)."""
    if not hasattr(page, _URL):
        setattr(page, _URL, page.get_url())
    return getattr(page, _URL)


def _tags(page: Page) -> dict:
    preloaded = getattr(page, _TAGS, None)
    if preloaded is not None:
        countries, themes, objectives = (preloaded[related] for related, _ in _TAG_FAMILIES)
    else:
        countries = [tag.country for tag in page.country_tags.all()]
        themes = [tag.theme for tag in page.theme_tags.all()]
        objectives = [tag.objective for tag in page.gcm_tags.all()]
    objectives = sorted(objectives, key=lambda o: o.number)
    return {
        "countries": [c.alpha2 for c in countries],
        "country_names": [c.name for c in countries],
        "themes": [t.slug for t in themes],
        "theme_names": [t.name for t in themes],
        "gcm": [str(o.number) for o in objectives],
        "gcm_names": [o.title for o in objectives],
    }


def preload_tags(pages: list[Page], cache: dict | None = None) -> None:
    """Read the tags of many pages in three small queries, without building a tag object each.

    The same rows ``page.country_tags`` etc. return; the taxonomy terms come from one lookup per
    family, kept in ``cache`` for the next chunk of the same rebuild. A rebuild spends most of its
    Python time building ORM objects, hence this.
    """
    cache = {} if cache is None else cache
    if not pages:
        return
    model = type(pages[0])
    ids = [page.pk for page in pages]
    found: dict[int, dict[str, list]] = {page.pk: {related: [] for related, _ in _TAG_FAMILIES} for page in pages}
    for related, field_name in _TAG_FAMILIES:
        tag_model = model._meta.get_field(related).related_model
        term_model = tag_model._meta.get_field(field_name).related_model
        terms = cache.get(term_model)
        if terms is None:
            terms = cache[term_model] = term_model.objects.in_bulk()
        rows = tag_model.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
        for page_id, term_id in rows.values_list("page_id", f"{field_name}_id"):
            found[page_id][related].append(terms[term_id])
    for page in pages:
        setattr(page, _TAGS, found[page.pk])


def preload_publications(pages: list[Page], cache: dict | None = None) -> None:
    """Tags, authors, keywords and PDF text of many publications in a handful of queries.

    ``page.extraction`` (the publications app's contract) costs a query per page; the same records
    are read here in bulk from the model behind it. If the models are not what we expect, the
    builder falls back to the pages' own relations and ``page.extraction``.
    """
    if not pages:
        return
    preload_tags(pages, cache)
    ids = [page.pk for page in pages]
    try:
        model = type(pages[0])
        authors: dict[int, list[str]] = {pk: [] for pk in ids}
        links = model._meta.get_field("publication_authors").related_model.objects.filter(page_id__in=ids)
        for page_id, name in links.order_by("page_id", "sort_order", "pk").values_list("page_id", "author__name"):
            authors[page_id].append(name)
        keywords: dict[int, list[str]] = {pk: [] for pk in ids}
        tagged = model.keywords.through.objects.filter(content_object_id__in=ids)
        for page_id, name in tagged.values_list("content_object_id", "tag__name"):
            keywords[page_id].append(name)
        extraction_model = apps.get_model("publications", "PdfExtraction")
        documents = [page.pdf_id for page in pages if page.pdf_id]
        records = {r.document_id: r for r in extraction_model.objects.filter(document_id__in=documents)}
    except (LookupError, AttributeError, FieldError):
        return
    for page in pages:
        setattr(page, _AUTHORS, authors[page.pk])
        setattr(page, _KEYWORDS, sorted(keywords[page.pk]))
        setattr(page, _EXTRACTION, records.get(page.pdf_id))


def build_publication(page: Page, today: datetime.date) -> dict:
    """The search document of a PublicationPage; its full text only when it is public."""
    text_public = page.full_text_is_public(today=today)
    passages: list[dict] = []
    page_count = None
    if not page.pdf_id:
        extraction = None
    elif hasattr(page, _EXTRACTION):
        extraction = getattr(page, _EXTRACTION)
    else:
        extraction = page.extraction
    if extraction is not None and extraction.status == "done":
        page_count = extraction.page_count
        if text_public:
            passages = [
                {"number": number, "text": text[:MAX_PASSAGE_CHARS]}
                for number, text in enumerate(extraction.pages[:MAX_PASSAGES], start=1)
                if text and text.strip()
            ]
    authors = getattr(page, _AUTHORS, None)
    if authors is None:
        authors = [link.author.name for link in page.publication_authors.all() if link.author_id]
    keywords = getattr(page, _KEYWORDS, None)
    if keywords is None:
        keywords = sorted(tag.name for tag in page.keywords.all())
    date = page.publication_date
    return {
        "page_id": page.pk,
        "kind": "publication",
        "type": page.publication_type,
        "title": page.title,
        "subtitle": page.subtitle,
        "abstract": page.abstract,
        "authors": authors,
        "institution": page.institution.name if page.institution_id else "",
        "keywords": keywords,
        **_tags(page),
        "date": date.isoformat() if date else None,
        "year": date.year if date else None,
        "language": page.language or None,
        "url": page_url(page),
        "embargo_until": page.embargo_until.isoformat() if page.embargo_until else None,
        "full_text_public": text_public,
        "has_full_text": bool(passages),
        "page_count": page_count,
        "published_at": page.last_published_at.isoformat() if page.last_published_at else None,
        "pages": passages,
    }


def transcript_passages(segments: Iterable[tuple[int, str]]) -> list[dict]:
    """Group transcript lines into passages of a minute or two, each starting at its first line."""
    passages: list[dict] = []
    start, lines, count = None, [], 0
    for seconds, text in segments:
        if start is not None and (count >= TRANSCRIPT_PASSAGE_WORDS or seconds - start >= TRANSCRIPT_PASSAGE_SECONDS):
            passages.append({"seconds": start, "text": " ".join(lines)})
            start, lines, count = None, [], 0
        if start is None:
            start = int(seconds)
        lines.append(text.strip())
        count += len(text.split())
    if lines:
        passages.append({"seconds": start, "text": " ".join(lines)})
    return passages[:MAX_PASSAGES]


def build_lecture(page: Page, today: datetime.date) -> dict:
    """The search document of a LecturePage, with its transcript as timed passages."""
    try:
        local_start = page.start.astimezone(zoneinfo.ZoneInfo(page.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        local_start = timezone.localtime(page.start)
    passages = transcript_passages(page.transcript_segments()) if page.transcript else []
    speakers = [link.speaker for link in page.lecture_speakers.all() if link.speaker_id]
    return {
        "page_id": page.pk,
        "kind": "lecture",
        "type": "lecture",
        "title": page.title,
        "subtitle": str(page.series) if page.series_id else "",
        "abstract": page.abstract,
        "authors": [speaker.name for speaker in speakers],
        "institution": "; ".join(sorted({s.affiliation for s in speakers if s.affiliation})),
        "keywords": [],
        **_tags(page),
        "date": local_start.date().isoformat(),
        "year": local_start.year,
        # Lectures carry no language field; the centre holds them in English.
        "language": "en",
        "url": page_url(page),
        "full_text_public": True,
        "has_full_text": bool(passages),
        "published_at": page.last_published_at.isoformat() if page.last_published_at else None,
        "start": page.start.isoformat(),
        "venue": page.venue,
        "online": page.online,
        "status": page.status,
        "recording_url": getattr(page, "recording_url", "") or "",
        "pages": passages,
    }


INDEXED_TYPES = (
    IndexedType(
        "publications.PublicationPage", "publication", build_publication, ("institution",), (), preload_publications
    ),
    IndexedType(
        "lectures.LecturePage", "lecture", build_lecture, ("series",), ("lecture_speakers__speaker",), preload_tags
    ),
)


def indexed_types() -> list[IndexedType]:
    """The page types in the public index whose apps are installed."""
    return [t for t in INDEXED_TYPES if t.model is not None]


def indexed_content_type_ids() -> set[int]:
    """Content type ids of the indexed page models (to skip other pages cheaply)."""
    from django.contrib.contenttypes.models import ContentType

    return {ContentType.objects.get_for_model(t.model).pk for t in indexed_types()}


def build_document(indexed: IndexedType, page: Page, today: datetime.date) -> dict | None:
    """The full document body for a page, or None when the page must not be in the index."""
    return build_documents(indexed, [page], today)[0]


def build_documents(indexed: IndexedType, pages: list[Page], today: datetime.date) -> list[dict | None]:
    """``build_document`` for a chunk of pages, lemmatising their texts together (one batch of new words)."""
    sources: list[dict] = []
    for page in pages:
        if not page_url(page):  # not under any site: nobody can visit it
            continue
        try:
            sources.append(indexed.build(page, today))
        except Exception:
            logger.exception("could not build the search document of page %s", page.pk)
            raise
    try:
        prepared = iter(prepare_many(sources))
    except Exception:
        logger.exception("could not prepare the search documents of pages %s", [s["page_id"] for s in sources])
        raise
    return [next(prepared) if page_url(page) else None for page in pages]


def _share_site_root_paths(page: Page, root_paths: list) -> Page:
    # Wagtail caches the site root paths on the object it builds a URL for (the page when there is
    # no request); handing every page the same list saves one cache lookup per page.
    page._wagtail_cached_site_root_paths = root_paths
    return page


def documents_for(page_ids: Iterable[int], today: datetime.date | None = None) -> dict[int, dict | None]:
    """Documents for the given pages; None for each page that must not (or no longer) be indexed."""
    today = today or timezone.localdate()
    ids = set(page_ids)
    result: dict[int, dict | None] = dict.fromkeys(ids)
    if not ids:
        return result
    root_paths = Site.get_site_root_paths()
    cache: dict = {}
    for indexed in indexed_types():
        pages = [_share_site_root_paths(page, root_paths) for page in indexed.queryset().filter(pk__in=ids)]
        if indexed.preload:
            indexed.preload(pages, cache)
        for page, document in zip(pages, build_documents(indexed, pages, today), strict=True):
            result[page.pk] = document
    return result


def iter_all_documents(chunk_size: int = 250, today: datetime.date | None = None) -> Iterator[tuple[int, dict]]:
    """Every indexable page's document, streamed in primary-key order per type."""
    today = today or timezone.localdate()
    root_paths = Site.get_site_root_paths()
    cache: dict = {}
    for indexed in indexed_types():
        pages = indexed.queryset().iterator(chunk_size=chunk_size)
        while chunk := [_share_site_root_paths(page, root_paths) for page in itertools.islice(pages, chunk_size)]:
            if indexed.preload:
                indexed.preload(chunk, cache)
            for page, document in zip(chunk, build_documents(indexed, chunk, today), strict=True):
                if document is not None:
                    yield page.pk, document


def count_indexable() -> dict[str, int]:
    """How many pages of each kind belong in the index (for status and check)."""
    return {t.kind: t.queryset().count() for t in indexed_types()}
