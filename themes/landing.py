"""Where a landing page's figures (counts, the latest results) come from.

The app that has them, the search index, registers its source in its ready(); themes imports
nothing above it. Without a source, or when it cannot answer, the page says the figures are
unavailable and still shows the description and links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FiguresSource = Callable[[str, str], Any]

_source: FiguresSource | None = None


class FiguresUnavailable(Exception):
    """The figures cannot be had right now; the message is shown to readers as it is."""

    def __init__(self, message: str = "The figures for this page are not available at the moment.") -> None:
        super().__init__(message)
        self.message = message


def register_figures(source: FiguresSource | None) -> None:
    """Set the function that gives a landing page's figures for (facet, value); None removes it."""
    global _source
    _source = source


def figures(facet: str, value: str) -> Any:
    """The registered source's figures for one taxonomy term, or FiguresUnavailable."""
    if _source is None:
        raise FiguresUnavailable()
    return _source(facet, value)
