"""A publication page in real Chromium: the title, the download and the citation links are there and work."""

from pathlib import Path

import pytest

from salam.models import HomePage
from tests.factories.publications import AuthorFactory, make_document, make_index, make_publication, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(browser):
    return browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)


@pytest.fixture
def publication(live_server):
    """Made before the browser starts: Playwright's event loop makes the ORM refuse to run in this thread."""
    index = make_index(HomePage.objects.get(), slug="browser-publications")
    author = AuthorFactory(name="Nusrat Hossain", affiliation="Bangladesh Institute for Migration Studies")
    page = make_publication(
        index,
        title="Outside the system: social protection for domestic workers",
        authors=[author],
        pdf=make_document(pdf_bytes(["Women domestic workers from Bangladesh in Saudi Arabia.", "Page two."])),
    )
    return page.url


def test_publication_page_shows_title_download_and_citations(live_server, publication, browser_page):
    browser_page.goto(f"{live_server.url}{publication}")

    heading = browser_page.get_by_role("heading", level=1)
    assert heading.is_visible()
    assert heading.inner_text() == "Outside the system: social protection for domestic workers"

    download = browser_page.locator("a.pub-download")
    assert download.is_visible()
    pdf = browser_page.request.get(f"{live_server.url}{download.get_attribute('href')}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")

    for label in ("BibTeX", "RIS", "CSL-JSON"):
        assert browser_page.get_by_role("link", name=label).is_visible()
    with browser_page.expect_download() as caught:
        browser_page.get_by_role("link", name="BibTeX").click()
    path = caught.value.path()
    assert Path(path).read_text(encoding="utf-8").startswith("@techreport{hossain")
    browser_page.screenshot(path="/tmp/publication-browser-test.png", full_page=True)
