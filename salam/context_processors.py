"""Template context for the header and footer shown on every page."""

from typing import TYPE_CHECKING

from django.apps import apps
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from salam.models import CentreSettings


def _first_live_url(app_label: str, model_name: str, fallback: str) -> str:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return fallback
    page = model.objects.live().public().first()
    return page.url if page else fallback


def _navigation(centre: "CentreSettings") -> list[dict[str, str]]:
    from django.urls import reverse

    return [
        {"label": "Publications", "url": _first_live_url("publications", "PublicationIndexPage", "/publications/")},
        {"label": "Lectures", "url": _first_live_url("lectures", "LectureIndexPage", "/lectures/")},
        {"label": "Search", "url": reverse("search:page")},
        {"label": "Evidence map", "url": reverse("search:evidence_map")},
        {"label": "Themes", "url": reverse("themes:index")},
        {"label": "About", "url": about_url(centre)},
    ]


def _centre_and_partners() -> tuple["CentreSettings", list]:
    """The centre's settings, its About page and its partners, in one query when it has partners."""
    from salam.models import CentreSettings, PartnerInstitute

    partners = list(PartnerInstitute.objects.filter(centre__isnull=False).select_related("centre__about_page"))
    if partners:
        return partners[0].centre, partners
    return CentreSettings.objects.select_related("about_page").first() or CentreSettings.load(), []


def about_url(centre: "CentreSettings") -> str:
    """The About page's address: the one the centre's settings name while it is live (a private one
    still asks visitors to sign in), else /about/."""
    page = centre.about_page
    if page is not None and page.live:
        return page.url or "/about/"
    return "/about/"


def site_chrome(request: HttpRequest) -> dict:
    """Navigation, the centre's settings and its partner institutes, computed only when a template uses them."""
    # Read once per request, shared by the navigation (About link) and the footer.
    loaded = SimpleLazyObject(_centre_and_partners)
    centre = SimpleLazyObject(lambda: loaded[0])
    return {
        "site_navigation": SimpleLazyObject(lambda: _navigation(centre)),
        "centre": centre,
        "about_url": SimpleLazyObject(lambda: about_url(centre)),
        "partner_institutes": SimpleLazyObject(lambda: loaded[1]),
    }
