"""The contract between content pages (publications, lectures) and the apps that follow them (search, tagging).

A page type the public index follows mixes in ``FollowedPage``. Whenever a save changes whether the
page is live, or which revision is live, ``public_state_changed`` is sent *inside the transaction
of that save*: a receiver that records work (the search outbox) commits or rolls back with the
page change itself, so a page can never be unpublished while its index update is lost.

When a page's text changes after the save (a PDF read in the background, a transcript), the
content app sends ``text_changed``.

A page whose full text is read in the background (a publication's PDF) says how far that is with
``text_status()`` -> (TextStatus, a sentence for editors); ``text_status_of`` asks any page.

What a content page's text *is* (its title, abstract, pages or transcript, taxonomy tags and the
metadata the index shows) it says through ``SearchableContent``; content apps register their page
types with ``register_content_type`` in ``AppConfig.ready()``. The tagger and the search index read
pages only through that, never through the page types' own fields.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, Protocol, runtime_checkable

from django.db import transaction
from django.dispatch import Signal

#: Sent with ``page=`` inside the saving transaction when a followed page's live state changed.
public_state_changed = Signal()

#: Sent with ``page=`` after commit when a content page's text changed: a publication's PDF was read
#: (or could not be: ``text_status()`` says which), a lecture's transcript was saved. The tagger and
#: the search index follow this one signal; the content apps' own signals are for their own use.
#: Receivers must not save ``page``.
text_changed = Signal()


class TextStatus:
    """How far a page's full text is: what the tagger may read, and what editors are told."""

    READY = "ready"  # read (or the page has all its text in fields, like a lecture)
    PENDING = "pending"  # still being read: tag when it is done
    UNREADABLE = "unreadable"  # could not be read: only the title and abstract can be used
    NO_FULL_TEXT = "none"  # there is none (a publication without a PDF)


def text_status_of(page: Any) -> tuple[str, str]:
    """A page's TextStatus and the sentence for editors (pages without text_status() are READY)."""
    method = getattr(page, "text_status", None)
    return method() if callable(method) else (TextStatus.READY, "")


_STATE_FIELDS = frozenset({"live", "live_revision", "live_revision_id"})


class FollowedPage:
    """Mixin for Page subclasses: announce publish, unpublish and new live revisions in the saving transaction."""

    def save(self, *args: Any, **kwargs: Any) -> Any:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and _STATE_FIELDS.isdisjoint(update_fields):
            return super().save(*args, **kwargs)  # a draft save: the live state cannot change
        with transaction.atomic():
            before = None
            if self.pk is not None:
                before = type(self).objects.filter(pk=self.pk).values_list("live", "live_revision_id").first()
            result = super().save(*args, **kwargs)
            if before != (self.live, self.live_revision_id) and (before is not None or self.live):
                public_state_changed.send(sender=type(self), page=self)
        return result


# --- Citations: a content app that can cite its pages registers how (in its AppConfig.ready()) ---

#: (page ids in order, request) -> one BibTeX entry per live, public page it can cite, in that order.
BibtexExport = Callable[[list[int], Any], list[str]]
_bibtex_exports: list[BibtexExport] = []


def register_bibtex_export(export: BibtexExport) -> None:
    """Offer a content type's BibTeX to the search results' export (once per export function)."""
    if export not in _bibtex_exports:
        _bibtex_exports.append(export)


def bibtex_entries(page_ids: list[int], request: Any) -> list[str]:
    """BibTeX entries for the given pages from every registered export (pages no export knows are left out)."""
    entries: list[str] = []
    for export in _bibtex_exports:
        entries += export(page_ids, request)
    return entries


# --- Searchable, taggable content: what a page's text is (registered in AppConfig.ready()) ---


class TextUnit(NamedTuple):
    """One stretch of a page's body text: a PDF page (numbered from 1) or a transcript line (seconds)."""

    at: int
    text: str


@dataclass(frozen=True)
class ContentText:
    """A content page's body text, in reading order."""

    units: tuple[TextUnit, ...] = ()
    #: True when ``at`` is seconds into a recording (a transcript), False when it is a page number.
    timed: bool = False
    #: False while the full text is withheld from the public (an embargo): the tagger may read it for
    #: editors, the public index must leave it out.
    public: bool = True


@runtime_checkable
class SearchableContent(Protocol):
    """What a content page type says about itself to the tagger and the public index."""

    #: The index's "kind" of this page type ("publication", "lecture"); one page type per kind.
    content_kind: ClassVar[str]

    def content_title(self) -> str:
        """The page's title."""
        ...

    def content_abstract(self) -> str:
        """What the tagger reads after the title: the summary (and a subtitle), paragraphs joined."""
        ...

    def content_text(self, today: datetime.date | None = None) -> ContentText:
        """The body text (PDF pages or transcript lines) and whether the public may read it ``today``."""
        ...

    def content_taxonomy(self) -> dict[str, list[Any]]:
        """The taxonomy terms applied to this version of the page, by family ("country", "theme", "gcm_objective")."""
        ...

    def content_metadata(self) -> dict[str, Any]:
        """The descriptive fields the index stores (type, subtitle, abstract, authors, date, year, language, ...)."""
        ...


#: The members a registered page type must have (the Protocol's, spelled out for a clear refusal).
CONTENT_METHODS = ("content_title", "content_abstract", "content_text", "content_taxonomy", "content_metadata")


class ContentContractError(TypeError):
    """A page type that does not meet the content contract, or one that was never registered."""


#: (pages of one registered type, a cache that lives as long as one rebuild) -> None: reads in a few
#: queries what the content_* methods would otherwise read page by page, and leaves it on the pages.
Preload = Callable[[list[Any], dict], None]


@dataclass(frozen=True)
class ContentRegistration:
    """A registered content page type, and how to read many of its pages efficiently."""

    model: type
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    preload: Preload | None = None
    #: The date field from which a page's full text is public (``content_text(today).public`` is
    #: ``today >= field``, or True when it is empty), so the index's embargo sweeps can find such
    #: pages in one query; None when this type never withholds its text.
    embargo_field: str | None = None

    @property
    def kind(self) -> str:
        return self.model.content_kind

    @property
    def label(self) -> str:
        return self.model._meta.label


_content_types: dict[str, ContentRegistration] = {}


def register_content_type(
    model: type,
    *,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple[str, ...] = (),
    preload: Preload | None = None,
    embargo_field: str | None = None,
) -> None:
    """Register a page type as searchable, taggable content; refuse one that does not meet the contract."""
    missing = [name for name in CONTENT_METHODS if not callable(getattr(model, name, None))]
    kind = getattr(model, "content_kind", None)
    if not isinstance(kind, str) or not kind:
        missing.insert(0, "content_kind")
    if missing:
        raise ContentContractError(
            f"{model.__name__} cannot be registered as searchable content: it lacks {', '.join(missing)} "
            "(see salam.content.SearchableContent)."
        )
    label = model._meta.label
    for other in _content_types.values():
        if other.kind == kind and other.label != label:
            raise ContentContractError(
                f"{model.__name__} cannot be registered with kind {kind!r}: {other.label} already has it."
            )
    # A second ready() (tests, reloads) replaces the registration instead of adding a second one.
    _content_types[label] = ContentRegistration(
        model, tuple(select_related), tuple(prefetch_related), preload, embargo_field
    )


def content_types() -> list[ContentRegistration]:
    """Every registered content page type, in the order the apps registered them."""
    return list(_content_types.values())


def _registration_or_none(page_or_model: Any) -> ContentRegistration | None:
    cls = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
    for registration in _content_types.values():
        if issubclass(cls, registration.model):
            return registration
    return None


def is_content(page_or_model: Any) -> bool:
    """True when the page (or page class) is of a registered content type."""
    return _registration_or_none(page_or_model) is not None


def content_type_of(page_or_model: Any) -> ContentRegistration:
    """The registration of a page (or page class), or ContentContractError saying how to register it."""
    registration = _registration_or_none(page_or_model)
    if registration is None:
        cls = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
        raise ContentContractError(
            f"{cls.__module__}.{cls.__qualname__} is not a registered content page type: its app must call "
            "salam.content.register_content_type() in AppConfig.ready() before the tagger or the index may read it."
        )
    return registration


def content_of(page: Any) -> SearchableContent:
    """The page itself, as the contract (ContentContractError when its type is not registered)."""
    content_type_of(page)
    return page
