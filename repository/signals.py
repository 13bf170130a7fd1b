"""Keep the OAI-PMH ledger in step with publish, unpublish, privacy, moves and deletion.

Each receiver runs inside the transaction of the change (see salam.content and
salam.middleware), so a tombstone commits or rolls back with the change that caused it.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from publications.models import PublicationPage
from repository import records
from salam.content import public_state_changed


def _publications_under(page: Page) -> list[PublicationPage]:
    return list(PublicationPage.objects.descendant_of(page, inclusive=True))


def on_public_state_changed(sender, page, **kwargs) -> None:
    """Published, unpublished or a new live revision."""
    if isinstance(page, PublicationPage):
        records.record_state(page)


def on_page_deleting(sender, instance, **kwargs) -> None:
    """Before the row goes: its tags still say which sets the tombstone belongs to."""
    if instance.specific_class is PublicationPage:
        page = PublicationPage.objects.filter(pk=instance.pk).first()
        if page is not None:
            records.record_state(page, deleting=True)


def on_page_moved(sender, instance, **kwargs) -> None:
    """A move can put publications under a private section, or take them out of one."""
    records.record_states(_publications_under(instance))


def on_view_restriction_changed(sender, instance, **kwargs) -> None:
    """Privacy applies to a page and everything below it."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        records.record_states(_publications_under(page))


def connect() -> None:
    """Wire the receivers (called once from RepositoryConfig.ready)."""
    public_state_changed.connect(on_public_state_changed, dispatch_uid="repository.public_state_changed")
    pre_delete.connect(on_page_deleting, sender=Page, dispatch_uid="repository.page_deleting")
    pre_delete.connect(on_page_deleting, sender=PublicationPage, dispatch_uid="repository.publication_deleting")
    post_page_move.connect(on_page_moved, dispatch_uid="repository.page_moved")
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="repository.restricted")
    post_delete.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="repository.unrestricted")
