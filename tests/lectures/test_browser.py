"""The lecture page in headless Chromium: registering through the form, and seeking from the transcript."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lectures.models import Registration
from tests.factories.lectures import make_lecture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(browser):
    return browser.new_page(timezone_id="Europe/Berlin")


def test_register_through_the_form(live_server, browser_page, site_root):
    lecture = make_lecture(title="Recruitment fees in Nepal", timezone="Asia/Kathmandu")
    browser_page.goto(f"{live_server.url}{lecture.url}")
    # The visitor's own time is added next to the venue's by the script (Berlin differs from Kathmandu).
    assert "Your time:" in browser_page.locator(".facts").inner_text()
    browser_page.get_by_label("Full name").fill("Sita Sharma")
    browser_page.get_by_label("Email address").fill("sita@example.org")
    browser_page.get_by_label("Which best describes you?").select_option("researcher")
    browser_page.get_by_label("I agree that SALAM stores").check()
    browser_page.get_by_role("button", name="Register").click()
    browser_page.wait_for_load_state()
    assert "You are registered" in browser_page.locator(".messages").inner_text()
    browser_page.screenshot(path="/tmp/lec_browser_registered.png", full_page=True)
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.status) == (
        "Sita Sharma",
        "sita@example.org",
        "confirmed",
    )
    assert [m.to for m in mail.outbox] == [["sita@example.org"]]


def test_transcript_timestamp_seeks_the_player(live_server, browser_page, site_root):
    from django.core.files.base import ContentFile

    lecture = make_lecture(
        start=timezone.now() - timedelta(days=2),
        transcript="[00:00:01] Welcome.\n[00:00:12] Remittances to Nepal grew.",
    )
    lecture.recording_file.save("talk.wav", ContentFile(b"RIFF"), save=True)
    browser_page.goto(f"{live_server.url}{lecture.url}")
    link = browser_page.get_by_role("link", name="Play from 0:12")
    assert link.get_attribute("href").endswith("talk.wav#t=12") or "#t=12" in link.get_attribute("href")
    url_before = browser_page.url
    link.click()
    player = browser_page.locator("#lecture-player")
    assert player.get_attribute("data-last-seek") == "12"
    assert browser_page.url == url_before  # the script seeks instead of following the link
    assert browser_page.evaluate("document.getElementById('lecture-player').currentTime") == 12


def test_times_show_the_venue_clock_and_the_visitors_own(live_server, browser, site_root):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.factories.lectures import lecture_index

    dhaka = ZoneInfo("Asia/Dhaka")
    day = (timezone.now() + timedelta(days=10)).astimezone(dhaka).date()
    start = datetime(day.year, day.month, day.day, 16, 0, tzinfo=dhaka)
    lecture = make_lecture(title="Recruitment fees", timezone="Asia/Dhaka", start=start, end=start + timedelta(hours=1))
    berlin = start.astimezone(ZoneInfo("Europe/Berlin"))
    pages = {"home": "/", "list": lecture_index().url, "lecture": lecture.url}

    german = browser.new_context(timezone_id="Europe/Berlin", locale="de-DE")
    for name, path in pages.items():
        for width, height in ((1280, 900), (390, 844)):
            page = german.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}{path}")
            when = page.locator("[data-venue-time]").first
            text = when.inner_text()
            assert "16:00" in text and "Dhaka time" in text, (name, text)
            local = when.locator(".local-time")
            assert local.is_visible(), name
            # The visitor's clock (Berlin) in their locale's format: German weekday, 24-hour clock, MEZ/MESZ.
            assert f"{berlin:%H:%M}" in local.inner_text() and "MEZ" in local.inner_text(), local.inner_text()
            assert local.locator("time").get_attribute("datetime").endswith("Z")
            # On a line of its own, not run on after the venue's zone.
            assert local.bounding_box()["x"] <= when.bounding_box()["x"] + 1, name
            page.screenshot(path=f"/tmp/issue12-times-{name}-{width}.png", full_page=True)
            page.close()
    german.close()

    at_the_venue = browser.new_context(timezone_id="Asia/Dhaka", locale="en-GB")
    page = at_the_venue.new_page()
    page.goto(f"{live_server.url}{lecture.url}")
    assert "16:00" in page.locator(".facts").inner_text()
    assert not page.locator(".local-time").first.is_visible()  # nothing to add when the clocks agree
    at_the_venue.close()

    without_script = browser.new_context(timezone_id="Europe/Berlin", java_script_enabled=False)
    page = without_script.new_page()
    page.goto(f"{live_server.url}{lecture.url}")
    assert "16:00 to 17:00 Dhaka time" in page.locator(".facts").inner_text()
    assert not page.locator(".local-time").first.is_visible()
    without_script.close()
