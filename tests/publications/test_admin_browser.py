"""The publication editor in Chromium: uploading the PDF from its chooser, the extraction panel."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from publications.models import PdfExtraction
from salam.models import HomePage
from tests.admin_browser import admin_browser_page
from tests.factories.publications import AuthorFactory, make_document, make_index, make_publication, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def editor_setup(live_server):
    index = make_index(HomePage.objects.get(), slug="browser-admin-publications")
    page = make_publication(index, title="Recruitment fees in Nepal", authors=[AuthorFactory(name="Sita Thapa")])
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    return page, user


def test_the_pdf_uploaded_from_the_editor_is_titled_after_the_publication(live_server, browser, editor_setup, tmp_path):
    page, user = editor_setup
    tab = admin_browser_page(browser, live_server, user)
    tab.goto(f"{live_server.url}/admin/pages/{page.pk}/edit/")
    tab.locator("#id_pdf-chooser .unchosen [data-chooser-action-choose]").click()
    modal = tab.locator(".modal-dialog")
    modal.wait_for()
    modal.get_by_role("tab", name="Upload").click()
    file_input = modal.locator('input[type="file"]')
    assert file_input.get_attribute("accept") == ".pdf,application/pdf"
    pdf = tmp_path / "scan_0042_final.pdf"
    pdf.write_bytes(pdf_bytes(["Recruitment fees paid by workers from Nepal."]))
    file_input.set_input_files(str(pdf))
    title = modal.locator("#id_document-chooser-upload-title")
    tab.screenshot(path="/tmp/issue12-admin-pdf-chooser.png")
    # Wagtail fills the title after the file input's event, a moment later.
    expect(title).to_have_value("Recruitment fees in Nepal", timeout=10000)


def test_the_extraction_panel_updates_itself_while_the_pdf_is_read(live_server, browser, editor_setup):
    page, user = editor_setup
    document = make_document(pdf_bytes(["Recruitment fees paid by workers from Nepal."]))
    page.pdf = document
    page.save_revision().publish()
    PdfExtraction.objects.filter(document=document).update(status="pending", finished_at=None)
    tab = admin_browser_page(browser, live_server, user)
    tab.goto(f"{live_server.url}/admin/pages/{page.pk}/edit/")
    panel = tab.locator(".publication-extraction")
    assert "Waiting to be read" in panel.inner_text()
    panel.get_by_text("This updates by itself.").wait_for(timeout=10000)

    PdfExtraction.objects.filter(document=document).update(status="done", finished_at=timezone.now())
    panel.get_by_text("Text extracted").wait_for(timeout=30000)
    assert panel.get_attribute("data-refresh-url") is None
    assert tab.locator("#id_title").input_value() == "Recruitment fees in Nepal"  # the form was not reloaded
    panel.scroll_into_view_if_needed()
    tab.screenshot(path="/tmp/issue12-admin-extraction-refreshed.png")
    tab.set_viewport_size({"width": 390, "height": 844})
    panel.scroll_into_view_if_needed()
    tab.screenshot(path="/tmp/issue12-admin-extraction-refreshed-phone.png")
