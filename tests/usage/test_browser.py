"""The impact page in headless Chromium at desktop and phone widths, after a real browser's visit counted.

Screenshots go to /tmp/h15usage/impact-*.png (looked at by hand when the page changes).
"""

import datetime
from pathlib import Path

import pytest

from publications.models import PublicationCountryTag
from tests.factories.publications import AuthorFactory, make_document, make_index, make_publication
from tests.usage.conftest import BROWSER
from themes.models import Country
from usage import recorder
from usage.models import DailyUsage, UsageKind, UsageVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path("/tmp/h15usage")


@pytest.fixture
def paper(live_server, site_root):
    """Made before the browser starts: Playwright's event loop makes the ORM refuse to run in this thread."""
    index = make_index(site_root)
    writer = AuthorFactory(name="Sita Gurung")
    page = make_publication(index, title="Recruitment fees in Nepal", authors=[writer], pdf=make_document())
    PublicationCountryTag.objects.get_or_create(page=page, country=Country.objects.get(alpha2="NP"))
    today = datetime.date.today()
    for months_ago, views in enumerate([30, 12, 18, 25, 9, 14]):
        day = (today.replace(day=1) - datetime.timedelta(days=months_ago * 31)).replace(day=3)
        DailyUsage.objects.create(page=page, kind=UsageKind.VIEW, day=day, total=views, visitors=views - 2)
        DailyUsage.objects.create(page=page, kind=UsageKind.DOWNLOAD, day=day, total=views // 3, visitors=views // 4)
    return page


def test_a_browser_visit_is_counted_and_the_impact_page_fits_desktop_and_phone(paper, live_server, browser):
    SHOTS.mkdir(exist_ok=True)
    # Headless Chromium says so in its user agent, and COUNTER's list takes it for a robot.
    robot = browser.new_page()
    robot.goto(f"{live_server.url}{paper.url}")
    assert recorder.flush().robots == 1
    tab = browser.new_page(viewport={"width": 1280, "height": 900}, user_agent=BROWSER)
    tab.goto(f"{live_server.url}{paper.url}")
    assert tab.locator("h1").first.inner_text().startswith("Recruitment fees in Nepal")
    report = recorder.flush()
    assert report.counted == 1, report
    assert UsageVisit.objects.filter(page=paper, kind=UsageKind.VIEW).count() == 1

    for width in (1280, 390):
        tab = browser.new_page(viewport={"width": width, "height": 900})
        tab.goto(f"{live_server.url}/impact/")
        assert tab.locator("h1").inner_text() == "Our impact"
        assert tab.locator("table.impact__table").count() >= 4
        # The page itself never scrolls sideways; wide tables scroll inside their own region.
        too_wide = tab.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1"
            " && !e.closest('.impact__scroll')).map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), too_wide
        tab.screenshot(path=str(SHOTS / f"impact-{width}.png"), full_page=True)
    # Without JavaScript the period form still works (a plain GET form).
    tab.select_option("#impact-months", "24")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/impact/?months=24")
    assert "last 24 months" in tab.locator("#impact-usage-caption").inner_text()
