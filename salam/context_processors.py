"""Template context for the header and footer shown on every page."""

from django.apps import apps
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _first_live_url(app_label: str, model_name: str, fallback: str) -> str:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return fallback
    page = model.objects.live().public().first()
    return page.url if page else fallback


def _navigation() -> list[dict[str, str]]:
    from django.urls import reverse

    return [
        {"label": "Publications", "url": _first_live_url("publications", "PublicationIndexPage", "/publications/")},
        {"label": "Lectures", "url": _first_live_url("lectures", "LectureIndexPage", "/lectures/")},
        {"label": "Search", "url": reverse("search:page")},
        {"label": "Themes", "url": reverse("themes:index")},
    ]


def _partners():
    from salam.models import PartnerInstitute

    return list(PartnerInstitute.objects.all())


def site_chrome(request: HttpRequest) -> dict:
    """Navigation and partner institutes, computed only when a template uses them."""
    return {
        "site_navigation": SimpleLazyObject(_navigation),
        "partner_institutes": SimpleLazyObject(_partners),
    }
