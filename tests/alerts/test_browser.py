"""Subscribing from the search page in headless Chromium, then following the email's link.

Screenshots go to /tmp/h15alerts/ (looked at by hand when the pages change).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

from alerts.models import Subscription
from search import indexing
from tests.alerts.helpers import only_link
from tests.factories import search as factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = Path("/tmp/h15alerts")


@pytest.fixture
def corpus(live_server, site_root, search_index):
    """Made before the browser starts: Playwright's event loop makes the ORM refuse to run in this thread."""
    factories.publication(site_root, "Recruitment fees paid by Nepali workers", countries=["NP"], gcm=[6])
    indexing.refresh()


def test_subscribe_from_the_search_page_and_confirm(corpus, live_server, browser):
    SHOTS.mkdir(exist_ok=True)
    _phone_screenshots(browser, live_server.url)
    width = 1280
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/search/?q=recruitment&country=NP")
    page.screenshot(path=str(SHOTS / f"search-{width}.png"), full_page=False)
    page.get_by_role("link", name="Email me new results").click()
    page.wait_for_url("**/alerts/new/?q=recruitment&country=NP")
    assert "“recruitment” in Country: Nepal" in page.locator("main").inner_text()

    # Bad input first: the form says what is wrong and keeps the search.
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Email me new results").click()
    page.wait_for_load_state()
    assert "Enter a valid email address" in page.locator(".message--error").inner_text()
    page.screenshot(path=str(SHOTS / f"subscribe-error-{width}.png"), full_page=True)

    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_label("Daily").check()
    page.screenshot(path=str(SHOTS / f"subscribe-{width}.png"), full_page=True)
    page.get_by_role("button", name="Email me new results").click()
    page.wait_for_url("**/alerts/requested/")
    assert page.get_by_role("heading", name="Check your email").is_visible()

    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    page.goto(f"{live_server.url}{only_link('confirm')}")
    page.get_by_role("button", name="Start the alert").click()
    page.wait_for_load_state()
    assert "has started" in page.locator(".message--success").inner_text()
    page.screenshot(path=str(SHOTS / f"confirmed-{width}.png"), full_page=True)
    subscription = Subscription.objects.get()
    assert (subscription.query, subscription.frequency, subscription.is_active) == (
        "q=recruitment&country=NP",
        "daily",
        True,
    )
    page.goto(f"{live_server.url}/evidence-map/")
    page.screenshot(path=str(SHOTS / f"map-{width}.png"), full_page=False)
    link = page.get_by_role("link", name="Tell me when evidence appears for Nepal \u00d7 GCM objective 21")
    link.focus()
    page.screenshot(path=str(SHOTS / f"map-focus-{width}.png"), full_page=False)
    link.click()
    page.wait_for_url("**/alerts/new/?country=NP&gcm=21&type=**")
    assert "Country: Nepal; GCM objective: 21" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/gcm/21/")
    page.screenshot(path=str(SHOTS / f"landing-{width}.png"), full_page=True)
    page.close()


def _phone_screenshots(browser, base: str) -> None:
    """The entry points and the form at phone width, for looking at by hand."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/search/?q=recruitment&country=NP")
    page.screenshot(path=str(SHOTS / "search-390.png"))
    page.goto(f"{base}/alerts/new/?q=recruitment&country=NP")
    page.screenshot(path=str(SHOTS / "subscribe-390.png"), full_page=True)
    page.goto(f"{base}/evidence-map/")
    page.screenshot(path=str(SHOTS / "map-390.png"))
    page.goto(f"{base}/gcm/21/")
    page.screenshot(path=str(SHOTS / "landing-390.png"), full_page=True)
    page.close()
