"""The suggestions panel in the page editor, in Chromium: a decision never silently drops typed work."""

import pytest

from tests.admin_browser import admin_browser_page
from tests.factories import themes as factories
from tests.factories.publications import make_index
from themes.models import TagDecision, TagSuggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def suggested_page(live_server, site_root):
    index = make_index(site_root, slug="browser-tag-publications")
    page = factories.publication(index, slug="fees", abstract="Nepali workers pay recruitment fees.")
    # Below the threshold, so only suggested (the tagger may have stored its own already).
    TagSuggestion.objects.update_or_create(
        page=page,
        family="country",
        code="NP",
        defaults={"score": 0.3, "evidence": [{"where": "abstract", "text": "Nepali workers"}]},
    )
    return page, factories.superuser("editor")


def test_accepting_with_unsaved_work_asks_first_and_keeps_it(live_server, browser, suggested_page):
    page, user = suggested_page
    tab = admin_browser_page(browser, live_server, user)
    edit_url = f"{live_server.url}/admin/pages/{page.pk}/edit/"
    tab.goto(edit_url)
    tab.wait_for_load_state("load")
    accept = tab.get_by_role("button", name="Accept Nepal")

    tab.locator("#id_subtitle").fill("Evidence from Kathmandu")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    accept.click()
    tab.wait_for_timeout(500)
    assert dialogs and "not saved" in dialogs[0]
    assert tab.url == edit_url
    assert tab.locator("#id_subtitle").input_value() == "Evidence from Kathmandu"
    assert not TagDecision.objects.filter(page=page).exists()
    tab.get_by_role("button", name="Accept Nepal").scroll_into_view_if_needed()
    tab.screenshot(path="/tmp/issue12-admin-accept-warning.png")
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.get_by_role("button", name="Accept Nepal").scroll_into_view_if_needed()
    tab.screenshot(path="/tmp/issue12-admin-suggestions-phone.png")
    tab.set_viewport_size({"width": 1280, "height": 900})

    # With nothing typed, the decision goes through without a question.
    tab.remove_listener("dialog", dismiss)
    tab.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.accept())
    tab.goto(edit_url)
    tab.wait_for_load_state("load")
    asked = len(dialogs)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Accept Nepal").click()
    assert len(dialogs) == asked
    assert TagDecision.objects.filter(page=page, code="NP", decision=TagDecision.Decision.ACCEPTED).exists()
