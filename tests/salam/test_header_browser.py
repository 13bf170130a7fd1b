"""The site header in headless Chromium: one row on a phone with a Menu button, everything in view on a desktop.

Screenshots go to /tmp/header-*.png (looked at by hand when the header changes).
"""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
NAV_LABELS = ["Publications", "Lectures", "Search", "Evidence map", "Themes", "About"]


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not displayed"
    return box


def _one_row(page) -> None:
    """The header is one row: the brand and the Menu button side by side, the header no taller than the brand."""
    header, brand, toggle = (_box(page.locator(s)) for s in (".site-header", ".site-brand", ".site-menu__toggle"))
    assert header["height"] <= brand["height"] + 2 * 16, f"header is {header['height']}px tall: it wrapped"
    assert toggle["y"] < brand["y"] + brand["height"] and brand["y"] < toggle["y"] + toggle["height"]
    assert toggle["x"] + toggle["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_header_is_one_row_and_the_menu_opens_with_and_without_javascript(live_server, site_root, browser):
    for javascript in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"{live_server.url}/themes/")
        _one_row(page)
        nav = page.get_by_role("navigation", name="Main")
        assert not nav.is_visible()
        page.screenshot(path=f"/tmp/header-phone-closed-{'js' if javascript else 'nojs'}.png")

        page.get_by_text("Menu", exact=True).click()
        for label in NAV_LABELS:
            assert nav.get_by_role("link", name=label, exact=True).is_visible()
        search_box = page.get_by_role("search", name="Site search").get_by_label("Search publications and lectures")
        assert search_box.is_visible()
        page.screenshot(path=f"/tmp/header-phone-open-{'js' if javascript else 'nojs'}.png")
        # The open panel lies over the page: the header row itself stays one row.
        _one_row(page)

        search_box.fill("remittances")
        search_box.press("Enter")
        page.wait_for_url("**/search/?q=remittances")
        _one_row(page)
        context.close()


def test_desktop_header_shows_navigation_and_search_and_names_the_logo_by_its_text(live_server, site_root, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/themes/")
    assert not page.locator(".site-menu__toggle").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    for label in NAV_LABELS:
        assert nav.get_by_role("link", name=label, exact=True).is_visible()
    assert page.get_by_role("search", name="Site search").get_by_label("Search publications and lectures").is_visible()
    header, brand = _box(page.locator(".site-header")), _box(page.locator(".site-brand"))
    assert header["height"] <= brand["height"] + 2 * 16, "the desktop header wrapped"
    page.screenshot(path="/tmp/header-desktop.png")

    # Speech users say what they see: the logo link's accessible name starts with its visible words.
    # The logo is an image of the word SALAM: its alt text is what is seen.
    logo_alt = page.locator(".site-brand > img").get_attribute("alt")
    visible = " ".join([logo_alt, *page.locator(".site-brand > span:not(.visually-hidden)").all_inner_texts()])
    assert visible == "SALAM Knowledge hub on labour migration"
    assert page.get_by_role("link", name=re.compile("^" + re.escape(visible))).count() == 1
    page.close()


def test_one_search_box_per_page_and_the_header_s_gives_way_on_pages_about_search(
    live_server, site_root, search_index, browser
):
    page = browser.new_page(viewport=DESKTOP)
    for path, own_box in (("/", "#hero-q"), ("/search/?q=remittances", "#q"), ("/themes/", "#site-search-q")):
        page.goto(f"{live_server.url}{path}")
        boxes = page.locator("input[type=search]")
        assert boxes.count() == 1, f"{path} has {boxes.count()} search boxes"
        assert page.locator(own_box).is_visible(), path
    page.close()
