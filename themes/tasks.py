"""Background work of the tagger: one page after its text changed, every page after the vocabulary did."""

import logging

from django_tasks import task

from themes import services
from themes.exceptions import NotTaggable

logger = logging.getLogger(__name__)


@task()
def tag_page(page_id: int) -> dict:
    """Tag one page (suggestions, then applied tags); returns what changed."""
    try:
        result = services.tag_page(page_id)
    except NotTaggable:
        # The page was deleted (or changed type) between queueing and running: nothing to do.
        logger.info("Page %s is gone or carries no tags; not tagged", page_id)
        return {"page_id": page_id, "skipped": True}
    return {
        "page_id": page_id,
        "suggestions": result.suggestions,
        "added": [list(key) for key in result.added],
        "removed": [list(key) for key in result.removed],
        "written": result.written,
    }


@task()
def retag_all() -> dict:
    """Retag every publication and lecture with the current vocabulary; returns counts."""
    return services.retag_all_pages()
