"""{% hub_figures as figures %}: the home page's live figures (search.home), or None when search is down."""

import logging

from django import template

from search.exceptions import SearchError
from search.home import HubFigures, hub_figures

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def hub_figures_tag() -> HubFigures | None:
    """The figures, or None (the home page then leaves them out rather than failing)."""
    try:
        return hub_figures()
    except SearchError as error:
        logger.warning("Home page figures unavailable: %s", error.message)
        return None


register.simple_tag(hub_figures_tag, name="hub_figures")
