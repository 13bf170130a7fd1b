"""The corridor map in headless Chromium: the picture at desktop and phone widths, the table a click away."""

import pytest

from search import indexing
from tests.factories import search as factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def corridors(live_server, site_root, search_index):
    """Nepal's corridors to Qatar (twice), Malaysia and the Republic of Korea."""
    for title, countries in (
        ("Fees in Qatar", ["NP", "QA"]),
        ("Wages in Qatar", ["NP", "QA"]),
        ("Factories in Malaysia", ["NP", "MY"]),
        ("Skills for Korea", ["NP", "KR"]),
    ):
        factories.publication(site_root, title, countries=countries)
    indexing.refresh()


def test_country_page_shows_the_corridor_map_and_its_table(corridors, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/countries/np/")
    figure = page.get_by_role("figure", name="Migration corridors of Nepal")
    picture = figure.locator(".chart__picture--wide svg")
    assert picture.is_visible() and picture.get_attribute("role") == "img"
    assert picture.bounding_box()["width"] > 600  # drawn across the column, not a thumbnail
    assert figure.locator(".chart__picture--wide .flow-map__flow").count() == 3
    table = figure.get_by_role("table")
    assert not table.is_visible()
    figure.get_by_text("Show the corridors as a table").click()
    assert table.is_visible()
    first = table.locator("tbody tr").first.inner_text().split("\t")
    assert first[:3] == ["Nepal", "Qatar", "2"]
    link = table.get_by_role("link", name="Search Nepal to Qatar")
    link.click()
    page.wait_for_url("**/search/?corridor=NP-QA")
    assert page.get_by_role("heading", name="2 results").is_visible()
    # Phones get the narrower drawing, whose labels stay readable.
    page.goto(f"{live_server.url}/countries/np/")
    page.set_viewport_size({"width": 390, "height": 900})
    figure = page.get_by_role("figure", name="Migration corridors of Nepal")
    assert figure.locator(".chart__picture--narrow svg").is_visible()
    assert not figure.locator(".chart__picture--wide svg").is_visible()
    assert figure.locator(".chart__picture--narrow svg").bounding_box()["width"] <= 390
    page.close()
