"""Tagging as editors meet it in the Wagtail admin: a published PDF gets suggestions and tags with
nobody acting, the suggestions panel shows the evidence, accept/reject buttons and edits in the page
editor become decisions the tagger respects, and vocabulary edits retag pages."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import themes as factories
from tests.factories.lectures import lecture_index
from tests.factories.publications import make_document, make_index
from themes import services
from themes.models import Country, TagDecision, TagSource, TagSuggestion, Theme
from themes.panels import DECISION_FORM_ID

NEPAL_ABSTRACT = "Nepali workers bound for Qatar pay high recruitment fees to agents in Kathmandu."


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def decision_url(page, family: str, code: str, decision: str = "reject") -> str:
    return reverse(f"themes_tag_{decision}", args=[page.pk, family, code])


def live_tags(page) -> dict[tuple[str, str], str]:
    return services.current_tags(type(page).objects.get(pk=page.pk))


def latest_tags(page) -> dict[tuple[str, str], str]:
    return services.current_tags(type(page).objects.get(pk=page.pk).get_latest_revision_as_object())


def _rows(data: dict[str, list[str]], relation: str, field: str) -> dict[str, int]:
    """label pk (as posted) -> row index, for one inline formset of the posted page form."""
    pattern = re.compile(rf"^{relation}-(\d+)-{field}$")
    return {values[0]: int(m.group(1)) for name, values in data.items() if (m := pattern.match(name))}


def remove_tag(data: dict[str, list[str]], relation: str, field: str, label_pk: int) -> None:
    """Tick the row's delete box, as the editor's bin button does."""
    index = _rows(data, relation, field)[str(label_pk)]
    data[f"{relation}-{index}-DELETE"] = ["1"]


def add_tag(data: dict[str, list[str]], relation: str, field: str, label_pk: int) -> None:
    """Add a row to the inline panel, as the editor's "Add" button does."""
    total = int(data[f"{relation}-TOTAL_FORMS"][0])
    data[f"{relation}-TOTAL_FORMS"] = [str(total + 1)]
    data[f"{relation}-{total}-{field}"] = [str(label_pk)]
    data[f"{relation}-{total}-id"] = [""]
    data[f"{relation}-{total}-ORDER"] = [str(total + 1)]
    data[f"{relation}-{total}-DELETE"] = [""]


def submit_editor(client, page, data: dict[str, list[str]], *, publish: bool) -> None:
    if publish:
        data["action-publish"] = ["action-publish"]
    response = client.post(edit_url(page), data)
    assert response.status_code == 302, response.content.decode()[:2000]


class ButtonReader(HTMLParser):
    """Finds the decision form and the panel's buttons, noting whether the form sits inside another."""

    def __init__(self) -> None:
        super().__init__()
        self.open_forms = 0
        self.decision_form_nested: bool | None = None
        self.buttons: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("id") == DECISION_FORM_ID:
                self.decision_form_nested = self.open_forms > 0
            self.open_forms += 1
        elif tag == "button" and a.get("form") == DECISION_FORM_ID:
            self.buttons.append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self.open_forms -= 1


def panel_buttons(html: str) -> ButtonReader:
    reader = ButtonReader()
    reader.feed(html)
    return reader


@pytest.fixture
def index(site_root):
    return make_index(site_root)


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(factories.superuser())
    return client


# --- The whole story ---------------------------------------------------------------------------


def test_publishing_a_pdf_leads_to_tags_with_evidence_and_editor_overrides_survive_a_retag(
    index, django_capture_on_commit_callbacks
):
    editor = factories.superuser("editor")

    # A researcher's publication with a real PDF is published; nobody asks for tagging.
    with django_capture_on_commit_callbacks(execute=True):
        page = factories.publication(
            index, slug="working-paper", title="A working paper", abstract="Findings.", pdf=factories.pdf_document()
        )

    assert page.extraction.status == "done"
    remittances = TagSuggestion.objects.get(page=page, family="theme", code="remittances")
    assert {(item["where"], item["page"]) for item in remittances.evidence} == {("body", 2)}
    assert "Remittances sent home" in remittances.evidence[0]["text"]
    tags = live_tags(page)
    assert {("country", "NP"), ("theme", "remittances")} <= set(tags)
    assert tags[("country", "NP")] == TagSource.TAGGER
    # Qatar and Malaysia are named once each in a three-page paper: suggested, not applied.
    assert ("country", "MY") not in tags and TagSuggestion.objects.filter(page=page, code="MY").exists()
    page = type(page).objects.get(pk=page.pk)
    assert not page.has_unpublished_changes and latest_tags(page) == live_tags(page)

    # The editor opens the page: the panel lists the suggestions with their passages and page numbers.
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    html = client.get(edit_url(page)).content.decode()
    assert 'id="tag-suggestions"' in html
    assert "<strong>Page 2:</strong> “Remittances sent home by migrant workers in Malaysia" in html
    assert 'data-tag="country:NP" data-state="tagger"' in html
    assert 'data-tag="country:QA" data-state="suggested"' in html

    # They accept Qatar and reject remittances with the panel's buttons (their own form, with the CSRF
    # token each carries) ...
    buttons = panel_buttons(html).buttons
    accept = next(b for b in buttons if b["formaction"] == decision_url(page, "country", "QA", "accept"))
    response = client.post(accept["formaction"], {accept["name"]: accept["value"]})
    assert response.status_code == 302 and response["Location"].endswith("#tag-suggestions")
    reject = next(b for b in buttons if b["formaction"] == decision_url(page, "theme", "remittances"))
    response = client.post(reject["formaction"], {reject["name"]: reject["value"]})
    assert response.status_code == 302
    assert live_tags(page)[("country", "QA")] == TagSource.EDITOR
    assert ("theme", "remittances") not in live_tags(page)

    # ... and add Pakistan in the page editor itself, then publish.
    data = factories.read_form(client.get(edit_url(page)).content.decode())
    add_tag(data, "country_tags", "country", Country.objects.get(alpha2="PK").pk)
    submit_editor(client, page, data, publish=True)
    assert live_tags(page)[("country", "PK")] == TagSource.EDITOR
    decisions = dict(TagDecision.objects.filter(page=page).values_list("code", "decision"))
    assert decisions == {"QA": "accepted", "remittances": "rejected", "PK": "accepted"}

    # A retag (say, after a vocabulary change) keeps every decision and the tagger's other tags.
    call_command("retag", stdout=io.StringIO(), stderr=io.StringIO())
    tags = live_tags(page)
    assert ("theme", "remittances") not in tags
    assert tags[("country", "PK")] == TagSource.EDITOR and tags[("country", "QA")] == TagSource.EDITOR
    assert tags[("country", "NP")] == TagSource.TAGGER
    html = client.get(edit_url(page)).content.decode()
    assert 'data-tag="theme:remittances" data-state="rejected"' in html


# --- Decisions made in the page editor ---------------------------------------------------------


@pytest.mark.parametrize("publish", [True, False], ids=["publish", "save-draft"])
def test_removing_a_tagger_tag_in_the_editor_is_a_rejection_the_tagger_respects(index, admin_client, publish):
    page = factories.publication(index, slug="fees", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    assert ("country", "QA") in live_tags(page)

    data = factories.read_form(admin_client.get(edit_url(page)).content.decode())
    remove_tag(data, "country_tags", "country", Country.objects.get(alpha2="QA").pk)
    submit_editor(admin_client, page, data, publish=publish)

    decision = TagDecision.objects.get(page=page, family="country", code="QA")
    assert decision.decision == TagDecision.Decision.REJECTED and decision.decided_by.username == "admin"
    assert not TagDecision.objects.filter(page=page, code="NP").exists()  # untouched tags: no decision
    services.tag_page(page.pk)
    assert ("country", "QA") not in latest_tags(page) and ("country", "NP") in latest_tags(page)


def test_a_form_opened_before_the_tagger_wrote_a_draft_rejects_nothing(
    index, admin_client, django_capture_on_commit_callbacks
):
    page = factories.publication(index, slug="stale", title="A study", abstract="Interviews in two villages.")
    draft = page.get_latest_revision_as_object()
    draft.abstract = NEPAL_ABSTRACT
    draft.save_revision()
    stale = factories.read_form(admin_client.get(edit_url(page)).content.decode())
    services.tag_page(page.pk)  # writes its tags into a new draft while the editor's form is open
    assert ("country", "NP") in latest_tags(page)

    with django_capture_on_commit_callbacks(execute=True):
        submit_editor(admin_client, page, stale, publish=False)

    assert not TagDecision.objects.filter(page=page).exists()
    # The save dropped tags the editor never saw; the tagger put them back.
    assert ("country", "NP") in latest_tags(page)


# --- The accept / reject views -----------------------------------------------------------------


def test_an_editor_who_may_not_publish_accepts_into_a_draft(index, client):
    page = factories.publication(index, slug="draft-accept", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    client.force_login(factories.editor_of(index, "researcher", publish=False))

    response = client.post(decision_url(page, "country", "lk", "accept"))

    assert response.status_code == 302
    assert TagDecision.objects.get(page=page, code="LK").decided_by.username == "researcher"
    assert ("country", "LK") not in live_tags(page)  # nothing published on their behalf
    assert latest_tags(page)[("country", "LK")] == TagSource.EDITOR
    assert type(page).objects.get(pk=page.pk).has_unpublished_changes


def test_decision_views_refuse_bad_requests(index, site_root, client):
    page = factories.publication(index, slug="bad-input", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    other_index = make_index(site_root, slug="elsewhere")
    outsider = factories.editor_of(other_index, "outsider")
    insider = factories.editor_of(index, "insider")

    # Not signed in: the admin's login page.
    response = client.post(decision_url(page, "country", "NP"))
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.force_login(outsider)
    assert client.post(decision_url(page, "country", "NP")).status_code == 403
    client.force_login(insider)
    assert client.get(decision_url(page, "country", "NP")).status_code == 405
    assert client.get(decision_url(page, "country", "NP", "accept")).status_code == 405
    assert client.post(decision_url(page, "region", "NP")).status_code == 404
    assert client.post(decision_url(page, "country", "XX")).status_code == 404
    assert client.post(decision_url(page, "theme", "not-a-theme", "accept")).status_code == 404
    assert client.post(decision_url(page, "gcm_objective", "24", "accept")).status_code == 404
    assert client.post(reverse("themes_tag_reject", args=[987654, "country", "NP"])).status_code == 404
    home = site_root  # a page without tags
    client.force_login(factories.superuser())
    assert client.post(decision_url(home, "country", "NP")).status_code == 404
    assert client.post(f"/admin/themes/tags/{page.pk}/country/NP/maybe/").status_code == 404

    # Nothing of that changed the page or recorded a decision.
    assert not TagDecision.objects.exists()
    assert ("country", "NP") in live_tags(page)


def test_the_decision_form_sits_outside_the_page_form_and_every_button_targets_it(index, admin_client):
    page = factories.publication(index, slug="markup", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)

    reader = panel_buttons(admin_client.get(edit_url(page)).content.decode())

    assert reader.decision_form_nested is False
    suggestions = TagSuggestion.objects.filter(page=page).count()
    assert len(reader.buttons) == 2 * suggestions  # accept and reject for each (none decided yet)
    for button in reader.buttons:
        assert button["type"] == "submit" and button["formmethod"] == "post"
        assert button["name"] == "csrfmiddlewaretoken" and len(button["value"]) >= 32
        assert re.fullmatch(rf"/admin/themes/tags/{page.pk}/[a-z_]+/[\w-]+/(accept|reject)/", button["formaction"])


def test_a_new_page_shows_where_suggestions_will_appear(index, admin_client):
    url = reverse("wagtailadmin_pages:add", args=["publications", "publicationpage", index.pk])
    html = admin_client.get(url).content.decode()
    assert "Suggestions appear here once the page is saved" in html


def test_lecture_editor_shows_transcript_times_as_evidence(site_root, admin_client):
    lectures = lecture_index(site_root)
    page = factories.lecture(
        lectures,
        slug="talk",
        transcript="[00:00:05] Welcome.\n[01:02:03] Nepali workers in Malaysia spoke about their employers.",
    )
    services.tag_page(page.pk)

    html = admin_client.get(edit_url(page)).content.decode()

    assert "<strong>Transcript at 1:02:03:</strong> “Nepali workers in Malaysia" in html
    assert 'data-tag="country:MY" data-state="tagger"' in html


# --- Vocabulary edits in the admin -------------------------------------------------------------


def test_a_keyword_added_in_the_admin_retags_pages_and_counts(
    index, admin_client, django_capture_on_commit_callbacks, settings
):
    settings.TAGGER_SHOW_THRESHOLD = 0.0
    page = factories.publication(
        index,
        slug="pilot",
        title="Hiring nurses",
        abstract="The study follows nurses from Kerala in a circular mobility pilot.",
    )
    services.tag_page(page.pk)
    before = TagSuggestion.objects.get(page=page, family="theme", code="bilateral-agreements").score
    theme = Theme.objects.get(slug="bilateral-agreements")

    url = reverse("wagtailsnippets_themes_theme:edit", args=[theme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "name": theme.name,
                "slug": theme.slug,
                "description": theme.description,
                "keywords": theme.keywords + "\ncircular mobility pilot",
            },
        )
    assert response.status_code == 302

    # The retag ran: the keyword is now evidence for the theme and raises its score.
    after = TagSuggestion.objects.get(page=page, family="theme", code="bilateral-agreements")
    assert after.score > before
    assert any("circular mobility pilot" in item["text"] for item in after.evidence)


def test_a_bad_taxonomy_edit_saves_nothing_and_retags_nothing(db, admin_client, django_capture_on_commit_callbacks):
    theme = Theme.objects.get(slug="remittances")
    url = reverse("wagtailsnippets_themes_theme:edit", args=[theme.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url, {"name": "", "slug": "not a slug!", "description": "", "keywords": "x"})
    assert response.status_code == 200  # the form again, with errors
    assert Theme.objects.get(pk=theme.pk).keywords == theme.keywords
    assert not any(isinstance(c, services.RetagAllOnCommit) for c in callbacks)


# --- In a real browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
# serialized_rollback: the flush after a transactional test would otherwise also delete the
# home page and taxonomy that the migrations create, and later tests need them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reject_button_inside_the_page_editor_works_in_a_browser(live_server, browser):
    from salam.models import HomePage

    index = make_index(HomePage.objects.get())
    page = factories.publication(index, slug="browser", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    assert ("country", "QA") in live_tags(page)
    factories.superuser("browser-editor")

    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("input[name=username]", "browser-editor")
    tab.fill("input[name=password]", "password")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/admin/")

    tab.goto(f"{live_server.url}{edit_url(page)}")
    row = tab.locator('tr[data-tag="country:QA"]')
    row.scroll_into_view_if_needed()
    tab.locator("#tag-suggestions").screenshot(path="/tmp/themes-tag-panel-before.png")
    with tab.expect_navigation():
        row.get_by_role("button", name="Reject Qatar").click()

    assert tab.url.endswith(f"{edit_url(page)}#tag-suggestions")
    assert "rejected" in tab.locator(".messages").inner_text()
    assert tab.locator('tr[data-tag="country:QA"]').get_attribute("data-state") == "rejected"
    tab.locator("#tag-suggestions").screenshot(path="/tmp/themes-tag-panel-after.png")

    assert TagDecision.objects.get(page=page, code="QA").decided_by.username == "browser-editor"
    assert ("country", "QA") not in live_tags(page)


# --- Pages the tagger can only partly read, and countries outside the taxonomy -------------------


def test_a_publication_whose_pdf_cannot_be_read_is_tagged_from_its_title_and_abstract(
    index, admin_client, django_capture_on_commit_callbacks
):
    broken = make_document(b"%PDF-1.7\n" + b"\x00not a pdf body " * 300, name="damaged.pdf", title="Damaged PDF")
    with django_capture_on_commit_callbacks(execute=True):
        page = factories.publication(
            index,
            slug="unread",
            title="Money sent home from Malaysia",
            abstract="Remittances sent home by Nepali workers in Malaysia pay for school fees and health care "
            "in the hill districts, and the cost of sending money has fallen since mobile transfers arrived.",
            pdf=broken,
        )

    assert page.extraction.status == "failed"
    tags = live_tags(page)
    assert ("theme", "remittances") in tags and ("country", "NP") in tags
    html = admin_client.get(edit_url(page)).content.decode()
    assert 'data-text-status="unreadable"' in html
    assert "could not be read, so only the title and abstract were used" in html
    assert "reload" not in html.lower()


def test_accepting_a_country_outside_the_taxonomy_asks_first(index, admin_client):
    page = factories.publication(
        index,
        slug="kenya",
        title="Kenyan domestic workers in Qatar",
        abstract="Domestic workers from Kenya in Qatar described unpaid wages and confiscated passports.",
    )
    services.tag_page(page.pk)
    assert TagSuggestion.objects.filter(page=page, family="country", code="KE").exists()
    url = decision_url(page, "country", "KE", "accept")

    asked = admin_client.post(url)
    assert asked.status_code == 200
    assert "Add a country to the taxonomy?" in asked.content.decode() and "Kenya (KE)" in asked.content.decode()
    assert not Country.objects.filter(alpha2="KE").exists()

    done = admin_client.post(url, {"confirm": "add-country"})
    assert done.status_code == 302
    assert Country.objects.get(alpha2="KE").name == "Kenya"
    assert live_tags(page)[("country", "KE")] == TagSource.EDITOR


def test_a_code_that_is_no_country_is_not_found(index, admin_client):
    page = factories.publication(index, slug="nowhere", abstract="Workers from Nepal.")
    assert admin_client.post(decision_url(page, "country", "XQ", "accept")).status_code == 404
    assert not Country.objects.filter(alpha2="XQ").exists()
