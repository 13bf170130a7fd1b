"""The contract between content pages (publications, lectures) and the apps that follow them (search, tagging).

A page type the public index follows mixes in ``FollowedPage``. Whenever a save changes whether the
page is live, or which revision is live, ``public_state_changed`` is sent *inside the transaction
of that save*: a receiver that records work (the search outbox) commits or rolls back with the
page change itself, so a page can never be unpublished while its index update is lost.

When a page's text changes after the save (a PDF read in the background, a transcript), the
content app sends ``text_changed``.

A page whose full text is read in the background (a publication's PDF) says how far that is with
``text_status()`` -> (TextStatus, a sentence for editors); ``text_status_of`` asks any page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
