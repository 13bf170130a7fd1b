"""The tagger's background tasks, where workers and django-tasks look for them (defined in themes.services.queue)."""

from themes.services.queue import retag_all, tag_page

__all__ = ["retag_all", "tag_page"]
