"""The tagger applied to pages: suggestions, applied tags, the revision paths, editors' decisions,
vocabulary changes and the retag command. The NLP is the real one (themes.nlp)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django_tasks.signals import task_enqueued
from wagtail.models import PageLogEntry

from tests.factories import themes as factories
from tests.factories.lectures import lecture_index
from tests.factories.publications import make_index
from themes import services
from themes.exceptions import NotTaggable, UnknownFamily, UnknownLabel
from themes.models import Country, TagDecision, TagSource, TagSuggestion, Theme

NEPAL_ABSTRACT = (
    "Nepali workers bound for Qatar pay high recruitment fees to agents in Kathmandu, "
    "and the employer pays principle is rarely enforced in Nepal."
)


def tags_of(page) -> dict[tuple[str, str], str]:
    """The applied tags of this version of a page -> source."""
    return services.current_tags(page)


def live_tags(page) -> dict[tuple[str, str], str]:
    return tags_of(type(page).objects.get(pk=page.pk))


def latest_tags(page) -> dict[tuple[str, str], str]:
    return tags_of(type(page).objects.get(pk=page.pk).get_latest_revision_as_object())


@pytest.fixture
def index(site_root):
    return make_index(site_root)


@pytest.fixture
def admin_client_for_services(client):
    client.force_login(factories.superuser())
    return client


@pytest.fixture
def enqueued():
    """Names of the tasks enqueued while the test runs."""
    names: list[str] = []

    def listen(sender, task_result, **kwargs):
        names.append(task_result.task.name)

    task_enqueued.connect(listen, dispatch_uid="test-themes-enqueued")
    yield names
    task_enqueued.disconnect(dispatch_uid="test-themes-enqueued")


# --- The plan: what the tagger may change -----------------------------------------------------


def test_plan_adds_what_is_found_and_leaves_editors_choices_alone():
    current = {
        ("country", "NP"): TagSource.TAGGER,  # still found: stays
        ("country", "IN"): TagSource.EDITOR,  # not found, but an editor put it there: stays
        ("country", "BD"): TagSource.TAGGER,  # accepted by an editor: becomes the editor's
        ("country", "LK"): TagSource.TAGGER,  # no longer found: goes
    }
    suggested = {("country", "NP"): 0.9, ("country", "QA"): 0.8, ("country", "MY"): 0.5, ("country", "PK"): 0.2}
    decisions = {("country", "QA"): TagDecision.Decision.REJECTED, ("country", "BD"): TagDecision.Decision.ACCEPTED}

    plan = services.plan_tagger_changes(current, suggested, decisions, threshold=0.35)

    assert plan.add == {("country", "MY"): TagSource.TAGGER}  # not QA (rejected), not PK (below threshold)
    assert plan.remove == {("country", "LK")}
    assert plan.promote == {("country", "BD")}


def test_plan_removes_a_tagger_tag_that_an_editor_rejected():
    plan = services.plan_tagger_changes(
        {("theme", "remittances"): TagSource.TAGGER},
        {("theme", "remittances"): 0.99},
        {("theme", "remittances"): TagDecision.Decision.REJECTED},
        threshold=0.35,
    )
    assert plan.remove == {("theme", "remittances")} and not plan.add


def test_labels_are_resolved_and_bad_ones_named(db):
    assert services.resolve_label("country", "np").name == "Nepal"
    assert services.resolve_label("gcm_objective", "06").number == 6
    with pytest.raises(UnknownFamily, match="not a kind of tag"):
        services.resolve_label("region", "south-asia")
    with pytest.raises(UnknownLabel):
        services.resolve_label("theme", "no-such-theme")
    with pytest.raises(UnknownLabel):
        services.resolve_label("gcm_objective", "six")
    with pytest.raises(UnknownLabel):
        services.resolve_label("country", "XX", create_country=True)  # not an ISO code


# --- Writing tags: the three revision paths ---------------------------------------------------


def test_live_page_without_draft_gets_a_published_revision_with_the_tags(index):
    page = factories.publication(index, slug="fees", abstract=NEPAL_ABSTRACT)
    revisions_before = page.revisions.count()

    result = services.tag_page(page.pk)

    page.refresh_from_db()
    assert result.written == "published"
    assert ("country", "NP") in result.added and ("theme", "fair-recruitment") in result.added
    # Live rows, the latest revision (what the editor sees) and the live revision agree.
    assert live_tags(page)[("country", "NP")] == TagSource.TAGGER
    assert latest_tags(page) == live_tags(page)
    assert page.revisions.count() == revisions_before + 1
    assert page.live_revision_id == page.latest_revision_id and not page.has_unpublished_changes
    assert PageLogEntry.objects.filter(page=page, action=services.TAGS_UPDATED_ACTION).exists()
    suggestion = TagSuggestion.objects.get(page=page, family="country", code="NP")
    assert suggestion.score >= services.apply_threshold()
    assert any(item["where"] == "abstract" and "Nepal" in item["text"] for item in suggestion.evidence)


def test_retagging_an_unchanged_page_writes_no_revision(index):
    page = factories.publication(index, slug="fees", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    revisions = page.revisions.count()
    first_ids = set(TagSuggestion.objects.filter(page=page).values_list("pk", flat=True))

    result = services.tag_page(page.pk)

    assert result.written == "" and not result.changed
    assert page.revisions.count() == revisions
    # Suggestions are replaced (fresh rows), not duplicated.
    rows = TagSuggestion.objects.filter(page=page)
    assert rows.count() == len(first_ids) and not first_ids & set(rows.values_list("pk", flat=True))


def test_live_page_with_a_draft_gets_the_tags_in_a_new_draft_only(index):
    page = factories.publication(index, slug="draft", title="A study", abstract="Interviews in two villages.")
    services.tag_page(page.pk)
    assert not live_tags(page)
    draft = page.get_latest_revision_as_object()
    draft.abstract = "Bangladeshi workers in Saudi Arabia send remittances home to their families."
    draft.save_revision()
    live_revision = type(page).objects.get(pk=page.pk).live_revision_id

    result = services.tag_page(page.pk)

    page = type(page).objects.get(pk=page.pk)
    assert result.written == "draft"
    assert live_tags(page) == {}  # nothing reaches the live page before an editor publishes
    assert page.live_revision_id == live_revision and page.has_unpublished_changes
    assert {("country", "BD"), ("country", "SA"), ("theme", "remittances")} <= set(latest_tags(page))
    assert page.get_latest_revision_as_object().abstract.startswith("Bangladeshi")  # the draft is kept

    page.get_latest_revision().publish()
    assert ("country", "BD") in live_tags(page)


def test_page_never_published_gets_stored_rows_and_a_revision(index):
    page = factories.publication(index, slug="unpublished", abstract=NEPAL_ABSTRACT, publish=False)

    result = services.tag_page(page.pk)

    page = type(page).objects.get(pk=page.pk)
    assert result.written == "saved" and not page.live
    rows = list(page.country_tags.all())
    assert {row.country.alpha2 for row in rows} >= {"NP", "QA"} and all(row.pk for row in rows)
    assert latest_tags(page) == live_tags(page)


def test_tagging_a_page_that_cannot_carry_tags_is_refused(site_root):
    with pytest.raises(NotTaggable):
        services.tag_page(site_root.pk)
    with pytest.raises(NotTaggable):
        services.tag_page(987654)


# --- Editors win -------------------------------------------------------------------------------


def test_rejected_labels_stay_off_and_accepted_ones_stay_on(index):
    page = factories.publication(index, slug="decisions", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    assert ("country", "QA") in live_tags(page)

    services.decide_tag(page.pk, "country", "QA", TagDecision.Decision.REJECTED, None)
    services.decide_tag(page.pk, "country", "pk", TagDecision.Decision.ACCEPTED, None)  # not in the text at all
    assert ("country", "QA") not in live_tags(page)
    assert live_tags(page)[("country", "PK")] == TagSource.EDITOR

    services.tag_page(page.pk)

    tags = live_tags(page)
    assert ("country", "QA") not in tags
    assert tags[("country", "PK")] == TagSource.EDITOR
    # The rejected label is still suggested (with its evidence) so an editor can change their mind.
    assert TagSuggestion.objects.filter(page=page, family="country", code="QA").exists()


def test_accepting_a_tagger_tag_makes_it_the_editors(index):
    page = factories.publication(index, slug="accept", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)

    services.decide_tag(page.pk, "theme", "fair-recruitment", TagDecision.Decision.ACCEPTED, None)
    assert live_tags(page)[("theme", "fair-recruitment")] == TagSource.EDITOR

    # Even when the text no longer mentions it, the accepted tag stays.
    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.abstract = "A history of Nepal."
    draft.save_revision().publish()
    services.tag_page(page.pk)
    assert live_tags(page)[("theme", "fair-recruitment")] == TagSource.EDITOR


def test_the_tagger_drops_its_own_tags_it_no_longer_finds(index):
    page = factories.publication(index, slug="drop", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    assert ("country", "QA") in live_tags(page)

    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.abstract = "Nepali workers describe how their families manage while they are away."
    draft.save_revision().publish()
    services.tag_page(page.pk)

    assert ("country", "QA") not in live_tags(page)
    assert ("country", "NP") in live_tags(page)


def test_an_iso_country_outside_the_taxonomy_is_suggested_and_added_when_an_editor_accepts_it(
    index, django_capture_on_commit_callbacks
):
    assert not Country.objects.filter(alpha2="KE").exists()
    text = "Workers from Kenya in Qatar and from Kenya."
    page = factories.publication(index, slug="kenya", title="Kenyan workers in Qatar", abstract=text)
    other = factories.publication(index, slug="kenya-too", title="Domestic workers from Kenya", abstract=text)
    services.tag_page(page.pk)
    services.tag_page(other.pk)

    # Suggested with its evidence, but the taxonomy does not grow by itself.
    assert TagSuggestion.objects.filter(page=page, family="country", code="KE").exists()
    assert not Country.objects.filter(alpha2="KE").exists()
    assert ("country", "KE") not in live_tags(page) and ("country", "QA") in live_tags(page)

    # Accepting it without saying so adds nothing to the taxonomy (the admin asks first) ...
    with pytest.raises(UnknownLabel):
        services.decide_tag(page.pk, "country", "KE", TagDecision.Decision.ACCEPTED, None)
    assert not Country.objects.filter(alpha2="KE").exists()
    # ... and with the editor's go-ahead it does.
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_tag(page.pk, "country", "KE", TagDecision.Decision.ACCEPTED, None, add_country=True)

    assert Country.objects.get(alpha2="KE").alpha3 == "KEN"
    assert live_tags(page)[("country", "KE")] == TagSource.EDITOR
    # A new country is a vocabulary change: the other page mentioning it is retagged.
    assert live_tags(other)[("country", "KE")] == TagSource.TAGGER


def test_tags_of_a_deleted_taxonomy_term_leave_the_page_at_the_retag(
    index, admin_client_for_services, django_capture_on_commit_callbacks
):
    page = factories.publication(index, slug="deleted-term", title="A study", abstract=NEPAL_ABSTRACT)
    services.tag_page(page.pk)
    page = type(page).objects.get(pk=page.pk)
    draft = page.get_latest_revision_as_object()
    draft.abstract += " A draft sentence."
    draft.save_revision()  # the tags now also live in a draft revision, which keeps the deleted id

    with django_capture_on_commit_callbacks(execute=True):
        Theme.objects.get(slug="fair-recruitment").delete()

    version = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    assert not services.has_dangling_tags(version)
    assert [row.theme_id for row in version.theme_tags.all()] == []
    # The editor can still open and save the page.
    url = f"/admin/pages/{page.pk}/edit/"
    data = factories.read_form(admin_client_for_services.get(url).content.decode())
    assert admin_client_for_services.post(url, data).status_code == 302


# --- Texts the tagger reads --------------------------------------------------------------------


def test_pdf_pages_are_read_once_extracted_with_page_numbers_in_the_evidence(index):
    page = factories.publication(
        index, slug="pdf", title="A working paper", abstract="Findings.", pdf=factories.pdf_document()
    )
    assert page.extraction.status == "done"  # extraction runs at once in tests

    services.tag_page(page.pk)

    remittances = TagSuggestion.objects.get(page=page, family="theme", code="remittances")
    assert {item["page"] for item in remittances.evidence if item["where"] == "body"} == {2}
    reintegration = TagSuggestion.objects.get(page=page, family="theme", code="return-reintegration")
    assert {item["page"] for item in reintegration.evidence} == {3}
    assert not any(item.get("embargoed") for item in remittances.evidence)
    # Nepal runs through the paper and is applied; Malaysia is named once, on page 2: a suggestion only.
    assert ("country", "NP") in live_tags(page)
    malaysia = TagSuggestion.objects.get(page=page, family="country", code="MY")
    assert malaysia.score < services.apply_threshold() and ("country", "MY") not in live_tags(page)
    assert {item["page"] for item in malaysia.evidence} == {2}


def test_evidence_from_embargoed_full_text_is_marked_and_never_public(index, client):
    page = factories.publication(
        index,
        slug="embargoed",
        title="A working paper",
        abstract="Findings.",
        pdf=factories.pdf_document(),
        embargo_until=datetime.date.today() + datetime.timedelta(days=90),
    )
    services.tag_page(page.pk)

    # Tags are metadata and public; the passages behind them are marked as embargoed.
    assert ("theme", "remittances") in live_tags(page)
    evidence = TagSuggestion.objects.get(page=page, family="theme", code="remittances").evidence
    assert evidence and all(item["embargoed"] for item in evidence if item["where"] == "body")
    passage = next(item["text"] for item in evidence if item["where"] == "body")
    response = client.get(page.url)
    assert response.status_code == 200
    assert passage not in response.content.decode()
    # Editors see the passage in the page editor, marked.
    client.force_login(factories.superuser())
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert passage in html and "embargoed full text: do not quote publicly" in html


def test_a_failed_or_pending_extraction_contributes_no_body_text(index):
    page = factories.publication(index, slug="pending", abstract="Findings.", pdf=factories.pdf_document())
    record = page.extraction
    record.status = "failed"
    record.save()

    inputs = services.tagging_input(page)

    assert inputs.pages == [] and inputs.abstract == "Findings."


def test_a_saved_transcript_leads_to_tags_with_times_in_the_evidence(site_root, django_capture_on_commit_callbacks):
    lectures = lecture_index(site_root)
    page = factories.lecture(lectures, slug="talk", abstract="A lecture.")
    assert not live_tags(page)

    with django_capture_on_commit_callbacks(execute=True):
        draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
        draft.transcript = (
            "[00:00:05] Welcome everyone to this lecture.\n"
            "[00:12:30] Filipino domestic workers in Kuwait described unpaid wages and confiscated passports.\n"
            "[00:40:00] Remittances to the Philippines kept many households afloat."
        )
        draft.save_revision().publish()

    tags = live_tags(page)
    assert ("country", "PH") in tags  # named twice in three passages
    kuwait = TagSuggestion.objects.get(page=page, family="country", code="KW")  # once: a suggestion at least
    assert [item["time"] for item in kuwait.evidence] == [750] and kuwait.evidence[0]["page"] is None


# --- Vocabulary changes ------------------------------------------------------------------------


def test_vocabulary_edits_in_one_transaction_queue_one_retag(db, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for theme in Theme.objects.all()[:3]:
            theme.keywords += "\nlabour attaché"
            theme.save()
    assert enqueued.count("retag_all") == 1


def test_only_changes_the_tagger_reads_queue_a_retag(db, enqueued, django_capture_on_commit_callbacks):
    theme = Theme.objects.get(slug="remittances")
    with django_capture_on_commit_callbacks(execute=True):
        theme.description = "A clearer description for the landing page."
        theme.save()
    assert "retag_all" not in enqueued
    with django_capture_on_commit_callbacks(execute=True):
        Country.objects.get(alpha2="NP").delete()
    assert enqueued.count("retag_all") == 1


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}, TAGGER_RETAG_DEBOUNCE_S=60
)
def test_vocabulary_edits_while_a_retag_is_queued_are_absorbed_by_it(db, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django_tasks import task_backends

    cache.delete(services.RETAG_ALL_PENDING_KEY)
    backend = task_backends["default"]
    for keyword in ("labour attaché", "welfare officer"):
        with django_capture_on_commit_callbacks(execute=True):
            theme = Theme.objects.get(slug="consular-support")
            theme.keywords += f"\n{keyword}"
            theme.save()

    queued = [r for r in backend.results if r.task.name == "retag_all"]
    assert len(queued) == 1
    assert queued[0].task.run_after is not None  # waits for the burst of edits to end
    # Once the retag starts, the next change queues a new one.
    services.retag_all_pages()
    with django_capture_on_commit_callbacks(execute=True):
        Theme.objects.filter(slug="consular-support").first().save()  # unchanged vocabulary: nothing
        remittances = Theme.objects.get(slug="remittances")
        remittances.keywords += "\nhundi"
        remittances.save()
    assert len([r for r in backend.results if r.task.name == "retag_all"]) == 2
    cache.delete(services.RETAG_ALL_PENDING_KEY)


def score_of(page, family: str, code: str) -> float:
    row = TagSuggestion.objects.filter(page=page, family=family, code=code).first()
    return row.score if row else 0.0


def test_a_new_keyword_counts_at_the_retag_it_triggers(index, django_capture_on_commit_callbacks, settings):
    # Rules give evidence and the classifier decides: a new keyword raises the label's score and is quoted.
    settings.TAGGER_SHOW_THRESHOLD = 0.0
    text = "The study follows nurses from Kerala in a circular mobility pilot."
    page = factories.publication(index, slug="circular", title="Hiring nurses", abstract=text)
    services.tag_page(page.pk)
    before = score_of(page, "theme", "bilateral-agreements")

    with django_capture_on_commit_callbacks(execute=True):
        theme = Theme.objects.get(slug="bilateral-agreements")
        theme.keywords += "\ncircular mobility pilot"
        theme.save()

    assert score_of(page, "theme", "bilateral-agreements") > before
    evidence = TagSuggestion.objects.get(page=page, family="theme", code="bilateral-agreements").evidence
    assert any("circular mobility pilot" in item["text"] for item in evidence)


# --- The retag command -------------------------------------------------------------------------


def test_retag_command_tags_every_page_and_reports(index, site_root):
    first = factories.publication(index, slug="one", abstract=NEPAL_ABSTRACT)
    second = factories.publication(index, slug="two", abstract="Remittances from Malaysia to Indonesia.")
    out, err = io.StringIO(), io.StringIO()

    call_command("retag", stdout=out, stderr=err)

    assert ("country", "NP") in live_tags(first) and ("country", "MY") in live_tags(second)
    assert "2 page(s) tagged, 2 changed, 0 failed." in out.getvalue()
    assert "Tagging pages" in err.getvalue()  # the progress bar


def test_retag_dry_run_changes_nothing(index):
    page = factories.publication(index, slug="dry", abstract=NEPAL_ABSTRACT)
    revisions = page.revisions.count()
    out = io.StringIO()

    call_command("retag", "--dry-run", "--page", str(page.pk), stdout=out)

    assert "would change page" in out.getvalue() and "country:NP" in out.getvalue()
    assert live_tags(page) == {} and page.revisions.count() == revisions
    assert not TagSuggestion.objects.filter(page=page).exists()


def test_retag_one_page_and_bad_page_arguments(index, site_root):
    page = factories.publication(index, slug="single", abstract=NEPAL_ABSTRACT)
    other = factories.publication(index, slug="other", abstract=NEPAL_ABSTRACT)

    call_command("retag", "--page", str(page.pk), stdout=io.StringIO())

    assert live_tags(page) and not live_tags(other)
    with pytest.raises(CommandError, match="does not exist or is not a kind of page"):
        call_command("retag", "--page", "987654", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a kind of page that carries tags"):
        call_command("retag", "--page", str(site_root.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="positive number"):
        call_command("retag", "--page", "0", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("retag", "--page", "seven", stdout=io.StringIO())
