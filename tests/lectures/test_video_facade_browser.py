"""A provider's video on a lecture page: nothing fetched from the provider until the visitor starts it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.lectures import make_lecture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_player_loads_only_when_asked_and_the_transcript_starts_it_at_the_moment(live_server, site_root, browser):
    lecture = make_lecture(
        start=timezone.now() - timedelta(days=3),
        recording_url="https://vimeo.com/76979871",
        transcript="[00:00:01] Welcome.\n[00:01:30] Remittances to Nepal grew.",
    )
    page = browser.new_page()
    elsewhere = []
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
    )
    # The machine is offline anyway; the provider's answer is not needed, only the request.
    page.route("https://player.vimeo.com/**", lambda route: route.fulfill(status=204, body=""))
    page.goto(f"{live_server.url}{lecture.url}")
    page.wait_for_load_state("networkidle")
    assert elsewhere == [], elsewhere
    assert page.locator("iframe").count() == 0

    page.get_by_role("link", name="Play the recording").click()
    player = page.locator("iframe#lecture-player")
    assert player.get_attribute("src").startswith("https://player.vimeo.com/video/76979871?autoplay=1")
    assert player.get_attribute("title") == f"Recording of {lecture.title} (Vimeo)"

    # A fresh page: the transcript's time both builds the player and starts it there.
    page.goto(f"{live_server.url}{lecture.url}")
    page.locator("a[data-seek='90']").click()
    assert page.locator("iframe#lecture-player").get_attribute("src").endswith("#t=90s")
    page.close()

    # Without JavaScript the control is a plain link to the recording on the provider's site.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_server.url}{lecture.url}")
    assert plain.get_by_role("link", name="Play the recording").get_attribute("href") == "https://vimeo.com/76979871"
    context.close()
