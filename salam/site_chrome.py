"""The header and footer every page shows (navigation, centre settings, partners), cached across requests.

Reading them costs several page-tree queries (live, public index pages; the About page; the
partners) on every request, yet they change only when an editor publishes, unpublishes, moves,
deletes or restricts a page, or edits the centre's settings. So they are kept in Django's default
cache (shared by every process: the database cache unless configured otherwise) under a
*generation*: any such change writes a new generation token, and a cached copy made under another
generation is never served again. A request that read the old tree while the change was being
committed stores its copy under the old generation, so it cannot bring a stale menu back.

Nothing here depends on who is asking: the navigation lists only live pages without view
restrictions (`.public()`), for editors and anonymous readers alike, and `aria-current` is decided
by the template from the request's path.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

if TYPE_CHECKING:
    from salam.models import CentreSettings, PartnerInstitute

logger = logging.getLogger(__name__)

GENERATION_KEY = "salam:site-chrome:generation"
CHROME_KEY = "salam:site-chrome"


@dataclass
class SiteChrome:
    """What the header and footer show: the navigation, the centre's settings, its partners and the About link."""

    navigation: list[dict[str, str]]
    centre: CentreSettings
    partners: list[PartnerInstitute] = field(default_factory=list)
    about_url: str = "/about/"


def _first_live_url(app_label: str, model_name: str, fallback: str) -> str:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return fallback
    page = model.objects.live().public().first()
    return page.url if page else fallback


def _centre_and_partners() -> tuple[CentreSettings, list[PartnerInstitute]]:
    """The centre's settings and its partners, in one query when it has partners."""
    from salam.models import CentreSettings, PartnerInstitute

    partners = list(PartnerInstitute.objects.filter(centre__isnull=False).select_related("centre__about_page"))
    if partners:
        return partners[0].centre, partners
    return CentreSettings.objects.select_related("about_page").first() or CentreSettings.load(), []


def about_url(centre: CentreSettings) -> str:
    """The About page's address: the one the centre's settings name while it is live (a private one
    still asks visitors to sign in), else /about/."""
    page = centre.about_page
    if page is not None and page.live:
        return page.url or "/about/"
    return "/about/"


def build_site_chrome() -> SiteChrome:
    """Read the navigation, centre settings and partners from the database (uncached)."""
    from django.urls import reverse

    centre, partners = _centre_and_partners()
    about = about_url(centre)
    navigation = [
        {"label": "Publications", "url": _first_live_url("publications", "PublicationIndexPage", "/publications/")},
        {"label": "Lectures", "url": _first_live_url("lectures", "LectureIndexPage", "/lectures/")},
        {"label": "Search", "url": reverse("search:page")},
        {"label": "Evidence map", "url": reverse("search:evidence_map")},
        {"label": "Themes", "url": reverse("themes:index")},
        {"label": "About", "url": about},
    ]
    # Cached copies carry only their own rows: the About page and the back-links stay out of the pickle.
    for partner in partners:
        partner._state.fields_cache.pop("centre", None)
    centre._state.fields_cache.pop("about_page", None)
    return SiteChrome(navigation=navigation, centre=centre, partners=partners, about_url=about)


def _cache_seconds() -> int:
    return settings.SITE_CHROME_CACHE_SECONDS


def get_site_chrome() -> SiteChrome:
    """The header and footer's content: from the cache when its generation is current, else read and cached."""
    seconds = _cache_seconds()
    if seconds <= 0:
        return build_site_chrome()
    try:
        found = cache.get_many([GENERATION_KEY, CHROME_KEY])
        generation = found.get(GENERATION_KEY)
        cached: Any = found.get(CHROME_KEY)
        if generation is not None and isinstance(cached, tuple) and len(cached) == 2 and cached[0] == generation:
            return cached[1]
        if generation is None:
            # First request (or an evicted token): start a generation; add() keeps one another process set meanwhile.
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
    except Exception:  # a cache that cannot be read must not take the page down with it
        logger.warning("Could not read the site chrome from the cache", exc_info=True)
        return build_site_chrome()
    chrome = build_site_chrome()
    if generation is not None:
        try:
            cache.set(CHROME_KEY, (generation, chrome), timeout=seconds)
        except Exception:
            logger.warning("Could not store the site chrome in the cache", exc_info=True)
    return chrome


def invalidate_site_chrome(**kwargs: Any) -> None:
    """Start a new generation once the surrounding transaction commits (at once outside one).

    Not before: a request on another connection could read the old tree in between and cache it
    under the new generation. A rolled-back change starts none.
    """
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # The cached copy then lives out its timeout (SITE_CHROME_CACHE_SECONDS) at most.
        logger.warning("Could not invalidate the cached site chrome", exc_info=True)


def _page_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate_site_chrome()


def _page_created(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    from wagtail.models import Page

    # A page created live (by code: the demo loader, imports) is published without page_published.
    # Draft saves are left alone: they change nothing the navigation shows.
    if created and isinstance(instance, Page) and instance.live:
        invalidate_site_chrome()


def connect_signals() -> None:
    """Invalidate the cached chrome whenever the page tree, its privacy, the sites or the centre's settings change."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from salam.models import CentreSettings, PartnerInstitute

    page_published.connect(invalidate_site_chrome, dispatch_uid="salam_site_chrome_published")
    page_unpublished.connect(invalidate_site_chrome, dispatch_uid="salam_site_chrome_unpublished")
    post_page_move.connect(invalidate_site_chrome, dispatch_uid="salam_site_chrome_moved")
    # Sent once per model of a page's inheritance chain: the receiver keeps to pages.
    post_delete.connect(_page_deleted, dispatch_uid="salam_site_chrome_page_deleted")
    post_save.connect(_page_created, dispatch_uid="salam_site_chrome_page_created")
    for model in (PageViewRestriction, Site, CentreSettings, PartnerInstitute):
        name = model._meta.label_lower
        post_save.connect(invalidate_site_chrome, sender=model, dispatch_uid=f"salam_site_chrome_saved_{name}")
        post_delete.connect(invalidate_site_chrome, sender=model, dispatch_uid=f"salam_site_chrome_deleted_{name}")
