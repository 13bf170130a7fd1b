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


def _centre() -> "CentreSettings":
    from salam.models import CentreSettings

    return CentreSettings.load()


def about_url(centre: "CentreSettings") -> str:
    """The About page's address: the one the centre's settings name, if it is live and public."""
    page = centre.about_page
    if page is not None and page.live and not page.get_view_restrictions().exists():
        return page.url or "/about/"
    return "/about/"


def site_chrome(request: HttpRequest) -> dict:
    """Navigation, the centre's settings and its partner institutes, computed only when a template uses them."""
    # One settings row per request, shared by the navigation (About link) and the footer.
    centre = SimpleLazyObject(_centre)
    return {
        "site_navigation": SimpleLazyObject(lambda: _navigation(centre)),
        "centre": centre,
        "about_url": SimpleLazyObject(lambda: about_url(centre)),
        "partner_institutes": SimpleLazyObject(lambda: list(centre.partners.all())),
    }
