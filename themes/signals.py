"""Signal receivers of the tagger, connected in ThemesConfig.ready().

Page text changed (a PDF was read or could not be, a transcript was saved) or a page was published
-> tag that page in the background.
The vocabulary changed (a country, theme or objective saved or deleted) -> retag every page, once
for a burst of edits. The sending apps never import this module.
"""

import logging

from django.db import transaction

from salam.content import TextStatus, text_changed, text_status_of
from themes import services
from themes.models import Country, GCMObjective, Theme

logger = logging.getLogger(__name__)

#: The fields of each taxonomy model the tagger reads; edits to other fields need no retag.
VOCABULARY_FIELDS: dict[type, tuple[str, ...]] = {
    Country: ("alpha2", "name", "aliases", "demonyms"),
    Theme: ("slug", "name", "keywords"),
    GCMObjective: ("number", "title", "keywords"),
}


def tag_page_with_new_text(sender, page, **kwargs) -> None:
    """text_changed (a PDF read or not, a transcript saved): queue tagging of that page."""
    if page is None or page.pk is None:
        return
    page_id = page.pk
    transaction.on_commit(lambda: services.enqueue_tagging(page_id))


def tag_published_page(sender, instance, **kwargs) -> None:
    """page_published: tag a publication or lecture from what it has, unless its full text is still being read.

    A page without a PDF, or whose PDF could not be read, has only its title and abstract; they are
    tagged now. A page whose PDF is being read is tagged when the reading ends (either signal above).
    """
    page = getattr(instance, "specific", instance)
    if page is None or page.pk is None or not services.is_taggable(page):
        return
    if text_status_of(page)[0] == TextStatus.PENDING:
        return
    page_id = page.pk
    transaction.on_commit(lambda: services.enqueue_tagging(page_id))


def _vocabulary_values(instance) -> tuple:
    return tuple(getattr(instance, name) for name in VOCABULARY_FIELDS[type(instance)])


def remember_vocabulary_before_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save: note the tagger-relevant fields as stored, to tell whether the save changes them."""
    if raw or instance.pk is None:
        instance._themes_vocabulary_before = None
        return
    names = VOCABULARY_FIELDS[sender]
    stored = sender.objects.filter(pk=instance.pk).values_list(*names).first()
    instance._themes_vocabulary_before = tuple(stored) if stored is not None else None


def vocabulary_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save on a taxonomy model: retag everything if what the tagger reads changed."""
    if raw:
        return
    before = getattr(instance, "_themes_vocabulary_before", None)
    if created or before is None or before != _vocabulary_values(instance):
        logger.info("Vocabulary changed (%s %s)", sender.__name__, instance.pk)
        services.schedule_retag_all()


def vocabulary_deleted(sender, instance, **kwargs) -> None:
    """post_delete on a taxonomy model: retag everything (its tags are gone with it)."""
    logger.info("Vocabulary changed (%s %s deleted)", sender.__name__, instance.pk)
    services.schedule_retag_all()


def connect() -> None:
    """Connect every receiver."""
    from django.db.models.signals import post_delete, post_save, pre_save
    from wagtail.signals import page_published

    for model in VOCABULARY_FIELDS:
        uid = f"themes_vocabulary_{model.__name__}"
        pre_save.connect(remember_vocabulary_before_save, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(vocabulary_saved, sender=model, dispatch_uid=f"{uid}_post_save")
        post_delete.connect(vocabulary_deleted, sender=model, dispatch_uid=f"{uid}_post_delete")
    page_published.connect(tag_published_page, dispatch_uid="themes_tag_after_publish")
    text_changed.connect(tag_page_with_new_text, dispatch_uid="themes_tag_after_text_changed")
