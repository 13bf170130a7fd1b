"""What lectures hands the hub's operations (from LecturesConfig.ready()): its demo content."""

from __future__ import annotations

from wagtail.models import Page

from salam.demo import register_demo_loader


def create_demo(home: Page, *, stdout=None) -> list[Page]:
    """The demo lectures (lectures.demo, imported only when `manage.py load_demo` runs: it is large)."""
    from lectures import demo

    return demo.create_demo(home, stdout=stdout)


def register() -> None:
    """Add the lectures' demo content to the hub's."""
    register_demo_loader("lectures", create_demo)
