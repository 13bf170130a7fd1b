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
