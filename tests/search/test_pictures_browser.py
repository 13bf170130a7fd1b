"""Pictures in headless Chromium: cover thumbnails (or the placeholder) in lists, a chart's table alternative."""

import pytest
from django.core.files.base import ContentFile

from search import indexing
from tests.factories import search as factories
from tests.publications.test_covers import encrypted_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pubs(live_server, site_root, search_index):
    """A readable PDF and one encrypted with a password, both with covers drawn (made before the browser starts)."""
    from publications import covers

    readable = factories.publication(
        site_root, "Readable survey of Nepali workers", pages=["A first page."], countries=["NP"], gcm=[6]
    )
    locked = factories.publication(
        site_root, "Locked brief on Nepal", pages=["Secret."], countries=["NP"], publication_type="policy_brief"
    )
    locked.pdf.file.save("locked.pdf", ContentFile(encrypted_pdf()), save=True)
    for page in (readable, locked):
        covers.make_cover(page.pdf_id)
    indexing.refresh()
    return {"readable": readable, "locked": locked, "list_url": readable.get_parent().url}


def _image(page, title: str):
    return page.locator(f"li:has-text('{title}') img.cover")


def test_thumbnails_have_alt_text_and_unreadable_pdfs_get_the_placeholder(pubs, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}{pubs['list_url']}", wait_until="networkidle")
    readable = _image(page, "Readable survey")
    assert readable.get_attribute("alt") == "Cover of \u201cReadable survey of Nepali workers\u201d"
    readable.evaluate("img => img.decode()")
    assert readable.evaluate("img => img.naturalWidth") == 400  # the drawn first page, not the placeholder
    locked = _image(page, "Locked brief")
    locked.evaluate("img => img.decode()")
    assert locked.evaluate("img => img.naturalWidth") == 210  # the placeholder SVG's width
    final = locked.evaluate("img => fetch(img.src).then(r => r.url)")
    assert final.endswith("/static/publications/cover-placeholder.svg")
    # Search results show the same thumbnails.
    page.goto(f"{live_server.url}/search/?q=Nepal", wait_until="networkidle")
    assert page.locator("img.cover").count() == 2
    page.close()


def test_a_chart_s_table_is_revealed_and_phones_get_bars_across(pubs, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/countries/np/")
    chart = page.get_by_role("figure", name="Publications per year, by type")
    assert chart.get_by_role("img", name="Publications per year, by type").count() == 1
    table = chart.get_by_role("table")
    assert not table.is_visible()
    chart.get_by_text("Show the numbers as a table").click()
    assert table.is_visible()
    assert table.locator("thead").inner_text().startswith("Year")
    assert "2024" in table.locator("tbody").inner_text()
    assert chart.locator(".chart__picture--wide svg").is_visible()
    page.set_viewport_size({"width": 390, "height": 900})
    assert chart.locator(".chart__picture--narrow svg").is_visible()
    assert not chart.locator(".chart__picture--wide svg").is_visible()
    page.close()
