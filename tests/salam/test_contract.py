"""The registrations content apps make with salam's contract in their AppConfig.ready()."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from publications.services import bibtex_for_pages
from salam import content


def test_publications_register_their_bibtex_export_once():
    assert content._bibtex_exports.count(bibtex_for_pages) == 1
    content.register_bibtex_export(bibtex_for_pages)  # a second ready() (tests, reloads) adds nothing
    assert content._bibtex_exports.count(bibtex_for_pages) == 1


@pytest.mark.django_db
def test_bibtex_entries_leave_out_ids_no_export_can_cite():
    request = RequestFactory().get("/search/export.bib")
    assert content.bibtex_entries([], request) == []
    assert content.bibtex_entries([999_999, -1], request) == []


# --- Searchable, taggable content: the page types the tagger and the index read ---


def test_publications_and_lectures_register_as_content_once_each():
    registered = [(registration.label, registration.kind) for registration in content.content_types()]
    assert registered == [("publications.PublicationPage", "publication"), ("lectures.LecturePage", "lecture")]
    publications = content.content_types()[0]
    # A second ready() (tests, reloads) replaces the registration instead of adding another.
    content.register_content_type(
        publications.model, select_related=publications.select_related, preload=publications.preload
    )
    assert [r.label for r in content.content_types()] == ["publications.PublicationPage", "lectures.LecturePage"]


def test_every_registered_page_type_implements_the_contract():
    kinds = set()
    for registration in content.content_types():
        page = registration.model()
        assert isinstance(page, content.SearchableContent), registration.label
        assert all(callable(getattr(page, name)) for name in content.CONTENT_METHODS)
        assert content.is_content(page) and content.content_type_of(registration.model) is registration
        kinds.add(registration.kind)
    assert len(kinds) == len(content.content_types())


class _Incomplete:
    """A page type that says only its title."""

    def content_title(self) -> str:
        return "A title"


def test_a_page_type_that_does_not_meet_the_contract_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(content, "_content_types", dict(content._content_types))
    with pytest.raises(content.ContentContractError) as refused:
        content.register_content_type(_Incomplete)
    message = str(refused.value)
    assert message.startswith("_Incomplete cannot be registered as searchable content: it lacks content_kind, ")
    assert "content_text" in message and "content_taxonomy" in message and "content_title" not in message
    assert "_Incomplete" not in [r.model.__name__ for r in content.content_types()]


class _LookAlike(_Incomplete):
    """A page type that meets the contract but claims the publications' kind."""

    _meta = SimpleNamespace(label="tests.LookAlike")
    content_kind = "publication"

    def content_abstract(self) -> str:
        return ""

    def content_text(self, today=None) -> content.ContentText:
        return content.ContentText()

    def content_taxonomy(self) -> dict:
        return {}

    def content_metadata(self) -> dict:
        return {}


def test_a_second_page_type_cannot_take_a_registered_kind(monkeypatch):
    monkeypatch.setattr(content, "_content_types", dict(content._content_types))
    assert isinstance(_LookAlike(), content.SearchableContent)
    with pytest.raises(content.ContentContractError, match=r"kind 'publication': publications\.PublicationPage"):
        content.register_content_type(_LookAlike)
    assert "tests.LookAlike" not in [r.label for r in content.content_types()]


@pytest.mark.django_db
def test_a_page_type_not_registered_is_refused_with_a_clear_error(site_root):
    from salam.models import StandardPage
    from search import builders
    from themes import services
    from themes.exceptions import NotTaggable

    about = site_root.add_child(instance=StandardPage(title="About the centre", slug="about-contract"))
    assert not content.is_content(about) and not services.is_taggable(about)
    expected = r"salam\.models\.StandardPage is not a registered content page type: .*register_content_type\(\)"
    with pytest.raises(content.ContentContractError, match=expected):
        content.content_of(about)
    with pytest.raises(content.ContentContractError, match=expected):
        services.tagging_input(about)
    with pytest.raises(content.ContentContractError, match=expected):
        builders.build_content(about, datetime.date.today())
    with pytest.raises(NotTaggable):
        services.taggable_page(about.pk)
    assert StandardPage not in services.taggable_page_models()


@pytest.mark.django_db
def test_publications_say_their_text_through_the_contract_and_keep_it_from_the_public_under_embargo(site_root):
    from search import builders
    from tests.factories import search as factories
    from themes import services

    today = datetime.date.today()
    page = factories.publication(
        site_root,
        "Wage theft in the Gulf",
        pages=["Nepali workers in Qatar.", "", "Recruitment fees."],
        countries=["QA", "NP"],
        gcm=[20, 6],
        subtitle="Evidence from returnees",
        embargo_until=today + datetime.timedelta(days=30),
    )
    embargoed = page.content_text(today)
    assert embargoed.units == ((1, "Nepali workers in Qatar."), (2, ""), (3, "Recruitment fees."))
    assert not embargoed.timed and not embargoed.public
    assert page.content_text(today + datetime.timedelta(days=30)).public
    assert page.content_abstract() == "Evidence from returnees\n\nFirst paragraph of the abstract.\n\nSecond paragraph."
    taxonomy = page.content_taxonomy()
    assert [c.alpha2 for c in taxonomy["country"]] == ["QA", "NP"] and taxonomy["theme"] == []
    assert sorted(o.number for o in taxonomy["gcm_objective"]) == [6, 20]

    document = builders.build_content(page, today)
    assert document["kind"] == "publication" and document["title"] == "Wage theft in the Gulf"
    assert document["pages"] == [] and document["full_text_public"] is False and document["has_full_text"] is False
    assert document["page_count"] == 3 and document["countries"] == ["QA", "NP"] and document["gcm"] == ["6", "20"]
    later = builders.build_content(page, today + datetime.timedelta(days=30))
    assert [p["number"] for p in later["pages"]] == [1, 3]  # the empty page is not a passage

    inputs = services.tagging_input(page)  # editors' tagger reads the embargoed text, marked as such
    assert inputs.pages == ["Nepali workers in Qatar.", "", "Recruitment fees."] and inputs.restricted
    assert inputs.times is None


@pytest.mark.django_db
def test_the_embargo_field_finds_the_pages_whose_text_the_contract_withholds(site_root):
    from search import status, tasks
    from search.models import IndexOutbox
    from tests.factories import search as factories

    today = datetime.date.today()
    ends = today + datetime.timedelta(days=3)
    embargoed = factories.publication(site_root, "Under embargo", pages=["Text."], embargo_until=ends)
    open_access = factories.publication(site_root, "Open access", pages=["Text."])
    assert content.content_type_of(embargoed).embargo_field == "embargo_until"
    assert not embargoed.content_text(today).public and open_access.content_text(today).public
    withheld = status._full_text_withheld()
    assert embargoed.pk in withheld and open_access.pk not in withheld

    IndexOutbox.objects.all().delete()
    assert tasks.queue_lifted_embargoes(today) == 0  # the sweep remembers it has looked through today
    assert embargoed.content_text(ends).public
    assert tasks.queue_lifted_embargoes(ends) == 1
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [embargoed.pk]


@pytest.mark.django_db
def test_lectures_say_their_transcript_through_the_contract(site_root):
    from search import builders
    from tests.factories import search as factories
    from themes import services

    page = factories.lecture(
        site_root,
        "Returning home",
        transcript="[00:00:05] Welcome.\n[00:03:00] Filipino workers in Kuwait.",
        countries=["PH"],
    )
    text = page.content_text()
    assert text.units == ((5, "Welcome."), (180, "Filipino workers in Kuwait.")) and text.timed and text.public
    document = builders.build_content(page, datetime.date.today())
    assert document["kind"] == "lecture" and document["type"] == "lecture" and document["countries"] == ["PH"]
    assert document["pages"] == [
        {"seconds": 5, "text": "Welcome."},
        {"seconds": 180, "text": "Filipino workers in Kuwait."},
    ]
    inputs = services.tagging_input(page)
    assert inputs.times == [5, 180] and inputs.pages == ["Welcome.", "Filipino workers in Kuwait."]
    assert not inputs.restricted and inputs.abstract == page.abstract.strip()
