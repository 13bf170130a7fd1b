"""Template context for the header and footer shown on every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from salam.site_chrome import get_site_chrome


def site_chrome(request: HttpRequest) -> dict:
    """Navigation, the centre's settings and its partner institutes, looked up only when a template uses them."""
    # One cache read per request, shared by the header, the footer and the About page.
    chrome = SimpleLazyObject(get_site_chrome)
    return {
        "site_navigation": SimpleLazyObject(lambda: chrome.navigation),
        "centre": SimpleLazyObject(lambda: chrome.centre),
        "about_url": SimpleLazyObject(lambda: chrome.about_url),
        "partner_institutes": SimpleLazyObject(lambda: chrome.partners),
    }
