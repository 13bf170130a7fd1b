"""Absolute links to the hub for places without a request: emails and the files they attach.

Where a request exists (pages, citation exports, the API) links are built from it with
``request.build_absolute_uri``, so they carry the address the visitor used.

The public address is one setting, ``WAGTAILADMIN_BASE_URL`` (README, Configuration). Wagtail's own
``page.full_url`` takes the host and port from the Site record instead, which on a fresh install
says ``localhost`` port 80, so links built from it lead nowhere.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Page, Site


def public_base_url() -> str:
    """The hub's public address without a trailing slash, e.g. ``https://hub.example.org``."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def public_url(path: str) -> str:
    """An absolute URL for a path on the hub (a path from ``reverse()`` or ``page.url``)."""
    if not path.startswith("/"):
        raise ValueError(f"Expected a path starting with '/', not {path!r}")
    return f"{public_base_url()}{path}"


def public_page_url(page: Page) -> str | None:
    """The absolute URL of a page at the public address, or None when the page cannot be reached.

    A page of the default site is served at the public address; a page of another Wagtail site
    (the hub has one, but editors may add more) keeps that site's own address.
    """
    parts = page.get_url_parts()
    if parts is None or parts[2] is None:
        return None
    site_id, root_url, path = parts
    if len(Site.get_site_root_paths()) > 1 and not Site.objects.filter(pk=site_id, is_default_site=True).exists():
        return f"{root_url}{path}"
    return public_url(path)
