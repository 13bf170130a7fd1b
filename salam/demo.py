"""The demo content loaders the content apps register, run in order by `manage.py load_demo`."""

from __future__ import annotations

from collections.abc import Callable

from wagtail.models import Page

# Called with the home page (and stdout=); creates what is missing and returns the pages it created.
DemoLoader = Callable[..., list[Page]]

_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(name: str, loader: DemoLoader) -> None:
    """Add an app's demo content (from its ``ready()``); loaders run in the order they were registered."""
    _loaders[name] = loader


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    """Every registered loader, by name, in the order they run."""
    return list(_loaders.items())
