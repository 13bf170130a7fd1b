"""The search page in headless Chromium: search from the header, tick a facet, see results change.

Uses the suite's `browser` fixture (tests/conftest.py). Screenshots go to /tmp/search-*.png (looked
at by hand when the page changes).
"""

import pytest

from search import indexing
from tests.factories import search as factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def corpus(live_server, site_root, search_index):
    """Made before the browser starts: Playwright's event loop makes the ORM refuse to run in this thread."""
    factories.publication(
        site_root,
        "Recruitment fees paid by Nepali workers in Qatar",
        pages=["Introduction to the survey.", "Most migrant workers paid recruitment fees of over 1,000 dollars."],
        countries=["NP", "QA"],
        themes=["fair-recruitment"],
        gcm=[6],
        authors=["Anjali Sharma"],
    )
    factories.publication(
        site_root,
        "Recruitment agencies and fees in Bangladesh",
        pages=["Agencies in Dhaka charge recruitment fees for visas."],
        countries=["BD"],
        themes=["fair-recruitment"],
        gcm=[6],
        publication_type="report",
    )
    factories.publication(
        site_root,
        "Fair recruitment corridors from Sri Lanka",
        pages=["Recruitment without fees is possible, officials said."],
        countries=["LK"],
        gcm=[6],
    )
    indexing.refresh()


def test_search_tick_a_facet_and_see_the_results_change(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/")
    # The home page leads with its own box (the header has none here).
    page.get_by_label("Find research, policy briefs and lectures").fill("recruitment fees")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=recruitment+fees")
    assert page.locator(".results__count").inner_text() == "3 results for “recruitment fees”"
    assert page.locator(".result__passages mark").count() >= 2
    page.screenshot(path="/tmp/search-results.png", full_page=True)

    # Ticking "Bangladesh" changes nothing by itself (WCAG 3.2.2): the page stays until "Apply filters".
    page.get_by_label("Bangladesh (1 results)").check()
    page.wait_for_timeout(500)
    assert page.url.endswith("/search/?q=recruitment+fees")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**country=BD**")
    assert page.locator(".results__count").inner_text() == "1 result for “recruitment fees”"
    assert page.locator(".result__title").all_inner_texts() == ["Recruitment agencies and fees in Bangladesh"]
    # The country list did not collapse: Nepal is still offered, unticked, with its count.
    assert page.get_by_label("Nepal (1 results)").is_checked() is False
    assert page.get_by_label("Bangladesh (1 results)").is_checked()
    page.screenshot(path="/tmp/search-filtered.png", full_page=True)

    # The active filter can be removed with one link.
    page.get_by_role("link", name="Remove filter Country: Bangladesh").click()
    page.wait_for_load_state()
    assert page.locator(".results__count").inner_text() == "3 results for “recruitment fees”"
    page.close()


def test_filters_work_without_javascript(corpus, live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(f"{live_server.url}/search/?q=recruitment")
    page.get_by_label("Report (1 results)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**type=report**")
    assert page.locator(".result__title").all_inner_texts() == ["Recruitment agencies and fees in Bangladesh"]
    context.close()


def test_evidence_map_renders_as_a_table(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{live_server.url}/evidence-map/")
    table = page.get_by_role("table")
    assert "Publications by country" in table.locator("caption").inner_text()
    nepal_row = page.get_by_role("row", name="Nepal")
    # exact: the empty cells' alert links name their objective ("… Nepal x GCM objective 12").
    assert nepal_row.get_by_role("link", name="1", exact=True).count() == 1
    page.screenshot(path="/tmp/search-evidence-map.png", full_page=True)
    page.goto(f"{live_server.url}/gcm/6/")
    assert "3 publications and lectures tagged GCM Objective 6" in page.locator(".landing-total").inner_text()
    page.screenshot(path="/tmp/search-landing-gcm6.png", full_page=True)
    page.close()


def test_the_sort_select_applies_with_its_button(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/search/?q=recruitment")
    page.get_by_label("Sort by").select_option("newest")
    page.wait_for_timeout(500)
    assert page.url.endswith("/search/?q=recruitment")  # no reload on change
    page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_url("**sort=newest**")
    assert page.get_by_label("Sort by").input_value() == "newest"
    page.close()


def test_on_a_phone_a_filters_control_at_the_top_leads_to_the_facets(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q=recruitment&country=NP")
    jump = page.get_by_role("link", name="Filters (1 chosen)")
    assert jump.is_visible()
    first_result = page.locator(".result").first.bounding_box()
    assert jump.bounding_box()["y"] < first_result["y"]  # above the results, where the facets are not
    page.screenshot(path="/tmp/search-phone-top.png")
    jump.click()
    page.wait_for_url("**#facets-heading")
    assert page.get_by_role("heading", name="Narrow the results").is_visible()
    heading_top = page.get_by_role("heading", name="Narrow the results").bounding_box()["y"]
    assert -1 < heading_top < 844  # scrolled into view
    page.screenshot(path="/tmp/search-phone-facets.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # On a wide screen the facets sit beside the results: no control needed.
    page.set_viewport_size({"width": 1280, "height": 1000})
    assert not jump.is_visible()
    page.screenshot(path="/tmp/search-desktop.png", full_page=True)
    page.close()


def test_on_a_phone_the_evidence_map_scrolls_inside_its_box(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/evidence-map/")
    # The table scrolls sideways in its own box; nothing (such as its hidden "0" labels) widens the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".map-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    page.screenshot(path="/tmp/search-phone-evidence-map.png", full_page=True)
    page.close()


def test_on_a_phone_the_home_map_preview_fits_with_its_country_names(corpus, live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    grid = page.locator(".map-preview__grid")
    box = grid.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert grid.evaluate("el => el.scrollWidth <= el.clientWidth")  # no cell cut off at the right
    labels = page.locator(".map-preview__label")
    rows = labels.count()  # the corpus's four countries: Nepal, Qatar, Bangladesh, Sri Lanka
    assert rows == 4 and all(label.bounding_box()["width"] > 40 for label in labels.all())
    cells = page.locator(".map-preview__cell")
    assert cells.count() == rows * 23 and cells.first.bounding_box()["width"] >= 6
    page.close()
