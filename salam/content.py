"""The contract between content pages (publications, lectures) and the apps that follow them (search, tagging).

A page type the public index follows mixes in ``FollowedPage``. Whenever a save changes whether the
page is live, or which revision is live, ``public_state_changed`` is sent *inside the transaction
of that save*: a receiver that records work (the search outbox) commits or rolls back with the
page change itself, so a page can never be unpublished while its index update is lost.

A page whose full text is read in the background (a publication's PDF) says how far that is with
``text_status()`` -> (TextStatus, a sentence for editors); ``text_status_of`` asks any page.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

#: Sent with ``page=`` inside the saving transaction when a followed page's live state changed.
public_state_changed = Signal()


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
