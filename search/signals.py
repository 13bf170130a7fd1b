"""Signal receivers that keep the public index in step with the page tree.

Indexed on publish (also of an unchanged page: publishing again is how an editor puts back a page
the index lost), unpublish, delete, move, privacy change and when a live page's PDF text or
transcript changes; never on a draft save. Each receiver only writes outbox rows, inside the
transaction of the change (publish and unpublish through salam.content.public_state_changed, sent
from the page's save; privacy changes in the admin run in one transaction per request, see
salam.middleware); the replay task does the Elasticsearch work after commit.
"""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, post_page_move

from salam.content import public_state_changed, text_changed
from search import analysis, tasks
from search.models import IndexOutbox

logger = logging.getLogger(__name__)

# Set on the page object public_state_changed queued (to its live revision), so the page_published
# that follows on the same object does not queue the page a second time.
_QUEUED_FOR = "_search_queued_for_revision"


def _is_indexed(page: Page) -> bool:
    from search.builders import indexed_content_type_ids

    return page.content_type_id in indexed_content_type_ids()


def _indexed_subtree_ids(page: Page) -> list[int]:
    from search.builders import indexed_content_type_ids

    return list(
        Page.objects.descendant_of(page, inclusive=True)
        .filter(content_type_id__in=indexed_content_type_ids())
        .values_list("pk", flat=True)
    )


def on_public_state_changed(sender, page, **kwargs) -> None:
    """Published, unpublished or a new revision went live (sent inside the saving transaction)."""
    if _is_indexed(page):
        tasks.queue_pages([page.pk])
        page.__dict__[_QUEUED_FOR] = page.live_revision_id


def on_page_published(sender, instance, revision, **kwargs) -> None:
    """Published, even with the revision that was already live (the admin's bulk "Publish" of an
    unchanged page): then public_state_changed was not sent, yet the editor expects the page in search."""
    queued_for = instance.__dict__.pop(_QUEUED_FOR, None)
    if instance.live and queued_for != instance.live_revision_id and _is_indexed(instance):
        tasks.queue_pages([instance.pk])


def on_page_deleted(sender, instance, **kwargs) -> None:
    """The page is gone (Wagtail deletes descendants too, each with its own signal)."""
    if _is_indexed(instance):
        tasks.queue_pages([instance.pk], IndexOutbox.Action.DELETE)


def on_page_moved(sender, instance, **kwargs) -> None:
    """A move can put pages under (or out from under) a private section, and changes URLs."""
    tasks.queue_pages(_indexed_subtree_ids(instance))


def on_view_restriction_changed(sender, instance, **kwargs) -> None:
    """Privacy applies to a page and everything below it: re-check the whole subtree."""
    try:
        page = Page.objects.get(pk=instance.page_id)
    except Page.DoesNotExist:  # the restriction goes with its page, whose deletion is handled
        return
    tasks.queue_pages(_indexed_subtree_ids(page))


def on_content_changed(sender, page, **kwargs) -> None:
    """text_changed: new PDF text (or none) or a changed transcript on a live page (sent after commit)."""
    if page.live and _is_indexed(page):
        tasks.queue_pages([page.pk])


def on_taxonomy_changed(sender, instance, **kwargs) -> None:
    """Editors changed a country, theme or objective: new synonyms, new names on tagged pages."""
    analysis.clear_caches()
    from search import taxonomy

    taxonomy.clear_cache()
    tasks.queue_pages(taxonomy.pages_tagged_with(instance))


def connect() -> None:
    """Wire the receivers (called once from SearchConfig.ready)."""
    public_state_changed.connect(on_public_state_changed, dispatch_uid="search.public_state_changed")
    page_published.connect(on_page_published, dispatch_uid="search.page_published")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="search.page_deleted")
    post_page_move.connect(on_page_moved, dispatch_uid="search.page_moved")
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_saved")
    post_delete.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_deleted"
    )
    from themes.models import Country, GCMObjective, Theme

    for model in (Country, Theme, GCMObjective):
        post_save.connect(on_taxonomy_changed, sender=model, dispatch_uid=f"search.taxonomy_saved.{model.__name__}")
        post_delete.connect(on_taxonomy_changed, sender=model, dispatch_uid=f"search.taxonomy_deleted.{model.__name__}")
    text_changed.connect(on_content_changed, dispatch_uid="search.text_changed")
