"""The contract between content pages (publications, lectures) and the apps that follow them (search).

A page type the public index follows mixes in ``FollowedPage``. Whenever a save changes whether the
page is live, or which revision is live, ``public_state_changed`` is sent *inside the transaction
of that save*: a receiver that records work (the search outbox) commits or rolls back with the
page change itself, so a page can never be unpublished while its index update is lost.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

#: Sent with ``page=`` inside the saving transaction when a followed page's live state changed.
public_state_changed = Signal()

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
