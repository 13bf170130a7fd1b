"""Turn live, public pages into search documents (every content type registered with salam.content).

A page's text, title, taxonomy and metadata come only through the content contract
(salam.content.SearchableContent); the content apps register their page types in ``ready()``.

Only what the public may see goes in: pages that are live, public (no view restriction on them
or an ancestor) and routable. A publication under embargo is indexed with its metadata only;
its text is not sent to Elasticsearch at all until the embargo lifts (search.tasks re-indexes
it that day), so it can be neither found nor highlighted.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from salam.content import ContentRegistration, ContentText, content_of, content_types
from search.documents import prepare_many
from themes.models import Family

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
    """A registered content page type (salam.content) in the public index, and how to build its documents."""

    registration: ContentRegistration
    build: Callable[[Page, datetime.date], dict] | None = None  # build_content unless a test replaces it

    @property
    def model(self) -> type[Page]:
        return self.registration.model

    @property
    def kind(self) -> str:
        return self.registration.kind

    @property
    def label(self) -> str:
        return self.registration.label

    def preload(self, pages: list[Page], cache: dict) -> None:
        """Let the content app read what a chunk of its pages' documents need, in a few queries."""
        if self.registration.preload is not None:
            self.registration.preload(pages, cache)

    def queryset(self) -> QuerySet:
        """Live, public, original (not alias) pages of this type, ready to build documents from."""
        return (
            self.model.objects.live()
            .public()
            .filter(alias_of__isnull=True)
            .select_related(*self.registration.select_related)
            .prefetch_related(*self.registration.prefetch_related)
            .order_by("pk")
        )


_URL = "_search_url"


def page_url(page: Page) -> str | None:
    """``page.get_url()``, computed once per page object (a URL reverse costs more than the rest)."""
    if not hasattr(page, _URL):
        setattr(page, _URL, page.get_url())
    return getattr(page, _URL)


def tag_fields(taxonomy: dict[str, list]) -> dict:
    """The index's tag fields (codes and names per family) from a page's ``content_taxonomy()``."""
    countries = taxonomy.get(Family.COUNTRY, [])
    themes = taxonomy.get(Family.THEME, [])
    objectives = sorted(taxonomy.get(Family.GCM_OBJECTIVE, []), key=lambda o: o.number)
    return {
        "countries": [c.alpha2 for c in countries],
        "country_names": [c.name for c in countries],
        "themes": [t.slug for t in themes],
        "theme_names": [t.name for t in themes],
        "gcm": [str(o.number) for o in objectives],
        "gcm_names": [o.title for o in objectives],
    }


def text_passages(text: ContentText) -> list[dict]:
    """The passages the index stores: PDF pages by number, a transcript in timed stretches; none unless public."""
    if not text.public:  # under embargo: the text must be neither found nor highlighted
        return []
    if text.timed:
        return transcript_passages(text.units)
    return [
        {"number": number, "text": body[:MAX_PASSAGE_CHARS]}
        for number, body in text.units[:MAX_PASSAGES]
        if body and body.strip()
    ]


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


def build_content(page: Page, today: datetime.date) -> dict:
    """The search document of a registered content page, read through the contract; full text only when public."""
    content = content_of(page)
    text = content.content_text(today)
    passages = text_passages(text)
    return {
        **content.content_metadata(),
        "page_id": page.pk,
        "kind": content.content_kind,
        "title": content.content_title(),
        **tag_fields(content.content_taxonomy()),
        "url": page_url(page),
        "full_text_public": text.public,
        "has_full_text": bool(passages),
        "published_at": page.last_published_at.isoformat() if page.last_published_at else None,
        "pages": passages,
    }


def indexed_types() -> list[IndexedType]:
    """The page types in the public index: every content type registered with salam.content."""
    return [IndexedType(registration) for registration in content_types()]


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
            sources.append((indexed.build or build_content)(page, today))
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
            indexed.preload(chunk, cache)
            for page, document in zip(chunk, build_documents(indexed, chunk, today), strict=True):
                if document is not None:
                    yield page.pk, document


def count_indexable() -> dict[str, int]:
    """How many pages of each kind belong in the index (for status and check)."""
    return {t.kind: t.queryset().count() for t in indexed_types()}
