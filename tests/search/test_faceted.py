"""Faceted search against the real Elasticsearch: facet semantics, lemmas, synonyms, highlights,
sorting, paging, "did you mean", autocomplete and malformed queries."""

import datetime

import pytest

from search.faceted import FACET_TERMS, autocomplete, did_you_mean, run_search, search_or_correct
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

FILLER = "The survey covered households in several districts and asked about work abroad. " * 3

DOCS = [
    factories.synthetic(
        "Recruitment fees paid by Nepali workers",
        page_id=1,
        countries=["NP", "QA"],
        country_names=["Nepal", "Qatar"],
        themes=["fair-recruitment"],
        theme_names=["Fair and ethical recruitment"],
        gcm=["6"],
        date=datetime.date(2021, 5, 1),
        abstract="How much migrant workers pay to agents before they leave.",
        authors=["Anjali Sharma"],
        pages=[
            FILLER,
            FILLER + "Most migrant workers paid recruitment fees of more than 1,000 dollars to agents. " + FILLER,
        ],
    ),
    factories.synthetic(
        "Remittances and household spending in Bangladesh",
        page_id=2,
        countries=["BD"],
        country_names=["Bangladesh"],
        themes=["remittances"],
        theme_names=["Remittances"],
        gcm=["20"],
        date=datetime.date(2022, 3, 1),
        abstract="Remittances sent home from Malaysia.",
        type="policy_brief",
        pages=[FILLER + "The migrant's remittance pays school fees.", FILLER],
    ),
    factories.synthetic(
        "Pre-departure orientation for women domestic workers",
        page_id=3,
        countries=["NP", "LK"],
        country_names=["Nepal", "Sri Lanka"],
        themes=["pre-departure-orientation"],
        theme_names=["Pre-departure orientation and empowerment"],
        gcm=["3"],
        date=datetime.date(2023, 9, 1),
        language="ne",
        abstract="A study of orientation courses before departure.",
        pages=[FILLER, FILLER, FILLER + "Trainers said the migration's risks were explained in week two."],
    ),
    factories.synthetic(
        "Returning home: reintegration of migrants in Sri Lanka",
        page_id=4,
        countries=["LK"],
        country_names=["Sri Lanka"],
        themes=["return-reintegration"],
        theme_names=["Return and sustainable reintegration"],
        gcm=["21"],
        date=datetime.date(2020, 1, 10),
        type="report",
        abstract="Returnees describe what helped them settle back.",
    ),
    factories.synthetic(
        "Lecture: wage theft in the Gulf",
        page_id=5,
        kind="lecture",
        countries=["NP", "SA"],
        country_names=["Nepal", "Saudi Arabia"],
        themes=["access-to-justice"],
        theme_names=["Access to justice and remedy"],
        gcm=["6"],
        date=datetime.date(2024, 2, 2),
        abstract="A public lecture on unpaid wages.",
        pages=[],
        authors=["Rahul Verma"],
    ),
    factories.synthetic(
        "Skills recognition <script>alert(1)</script> for returning workers",
        page_id=6,
        countries=["IN"],
        country_names=["India"],
        themes=["skills-recognition"],
        theme_names=["Skills and qualification recognition"],
        gcm=["18"],
        date=datetime.date(2022, 11, 11),
        abstract="Certificates <b>earned</b> abroad & at home.",
    ),
]


@pytest.fixture(scope="module")
def corpus(es_client):
    factories.fresh_index(es_client)
    factories.load(es_client, DOCS)
    yield
    factories.drop_all(es_client)


def search(q="", **kwargs) -> object:
    filters = {name: tuple(kwargs.pop(name)) for name in list(kwargs) if name in FACET_TERMS}
    return run_search(SearchParams(q=q, filters=filters, **kwargs))


def ids(results) -> list[int]:
    return [hit.page_id for hit in results.hits]


def counts(results, facet) -> dict[str, int]:
    return {fv.value: fv.count for fv in results.facets[facet]}


@pytest.mark.usefixtures("corpus")
class TestFacets:
    def test_no_query_lists_everything_with_facet_counts(self):
        results = search()
        assert results.total == len(DOCS)
        assert counts(results, "country")["NP"] == 3
        assert counts(results, "type") == {
            "research_paper": 3,
            "policy_brief": 1,
            "report": 1,
            "lecture": 1,
        }
        assert counts(results, "year")["2022"] == 2
        assert counts(results, "language") == {"en": 5, "ne": 1}

    def test_choosing_a_country_does_not_collapse_the_country_list(self):
        results = search(country=["NP"])
        assert sorted(ids(results)) == [1, 3, 5]
        country = counts(results, "country")
        # The country facet ignores its own filter: every country is still offered with its count.
        assert country["NP"] == 3 and country["BD"] == 1 and country["IN"] == 1 and country["LK"] == 2
        # Other facets are narrowed by the country filter.
        assert counts(results, "type") == {"research_paper": 2, "lecture": 1}
        selected = [fv.value for fv in results.facets["country"] if fv.selected]
        assert selected == ["NP"]

    def test_values_of_one_facet_combine_with_or(self):
        assert sorted(ids(search(country=["BD", "IN"]))) == [2, 6]

    def test_different_facets_combine_with_and(self):
        assert ids(search(country=["NP"], gcm=["6"], type=["lecture"])) == [5]
        assert ids(search(country=["BD"], theme=["fair-recruitment"])) == []

    def test_a_selected_value_without_results_stays_on_offer(self):
        results = search(country=["BD"], year=["2021"])
        assert results.total == 0
        year = {fv.value: fv for fv in results.facets["year"]}
        assert year["2021"].selected and year["2021"].count == 0

    def test_unknown_facet_names_and_empty_values_are_ignored(self):
        results = run_search(SearchParams(q="", filters={"colour": ("red",), "country": ("",)}))
        assert results.total == len(DOCS)

    def test_labels_come_from_the_taxonomy(self):
        labels = {fv.value: fv.label for fv in search().facets["country"]}
        assert labels["NP"] == "Nepal"
        gcm = {fv.value: fv.label for fv in search().facets["gcm"]}
        assert gcm["21"].startswith("21. Cooperate in facilitating safe and dignified return")


@pytest.mark.usefixtures("corpus")
class TestMatching:
    def test_plural_query_finds_singular_text_and_back(self):
        assert 2 in ids(search("remittance"))
        assert 2 in ids(search("migrant's remittances"))

    def test_migration_possessive_finds_the_page(self):
        results = search("migration's risks")
        assert ids(results) == [3]
        assert results.hits[0].passages[0].number == 3

    def test_migrants_finds_migrant_in_full_text(self):
        results = search("migrants recruitment")
        assert ids(results)[0] == 1

    def test_synonyms_expand_the_query(self):
        assert 3 in ids(search("PDO"))
        nepali = search("Nepali")
        assert {1, 3, 5} <= set(ids(nepali))

    def test_phrases_exclusions_and_or(self):
        assert ids(search('"recruitment fees"')) == [1]
        assert 1 not in ids(search("workers -Qatar"))
        assert sorted(ids(search("remittances OR reintegration"))) == [2, 4]

    def test_words_may_be_in_different_places(self):
        # "Sharma" is an author, "dollars" on page 2 of the text.
        assert ids(search("Sharma dollars")) == [1]

    def test_title_matches_rank_first(self):
        results = search("reintegration")
        assert ids(results)[0] == 4


@pytest.mark.usefixtures("corpus")
class TestPresentation:
    def test_passages_are_highlighted_with_their_page_number(self):
        hit = search("recruitment fees").hits[0]
        assert hit.page_id == 1
        passage = hit.passages[0]
        assert passage.number == 2 and passage.where == "page 2"
        assert "<mark>recruitment</mark> <mark>fees</mark>" in passage.html

    def test_inflections_are_highlighted_in_the_original_text(self):
        hit = search("remittances").hits[0]
        assert "<mark>remittance</mark>" in hit.passages[0].html
        assert "<mark>Remittances</mark>" in hit.title_html

    def test_highlights_and_titles_are_html_escaped(self):
        hit = search("skills recognition").hits[0]
        assert hit.page_id == 6
        assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
        assert "<mark>Skills</mark>" in hit.title_html
        plain = search("certificates").hits[0]
        assert "<b>" not in plain.abstract_html and "&lt;b&gt;" in plain.abstract_html

    def test_unhighlighted_titles_are_escaped_too(self):
        hit = next(h for h in search().hits if h.page_id == 6)
        assert "&lt;script&gt;" in hit.title_html and "<script>" not in hit.title_html

    def test_sorting_and_paging(self):
        newest = search(sort="newest")
        assert ids(newest)[:2] == [5, 3]
        oldest = search(sort="oldest")
        assert ids(oldest)[0] == 4
        second_page = search(sort="oldest", page=2, page_size=4)
        assert ids(second_page) == ids(oldest)[4:6]
        assert second_page.pages == 2

    def test_did_you_mean_when_nothing_matches(self):
        results = search("recruitmnt fes")
        assert results.total == 0
        assert results.suggestion == "recruitment fees"
        assert search("zzzzqqq").suggestion is None
        assert did_you_mean("") is None

    def test_did_you_mean_only_offers_what_finds_something_under_the_filters(self):
        # "recruitment fees" is only in a Nepal/Qatar paper: with Bangladesh chosen it would find nothing.
        assert search("recruitmnt fes", country=["NP"]).suggestion == "recruitment fees"
        assert search("recruitmnt fes", country=["BD"]).suggestion is None

    def test_did_you_mean_keeps_the_exclusions(self):
        # Dropping "-Bangladesh" would change what the visitor asked for.
        assert search("recruitmnt fes -Bangladesh").suggestion == "recruitment fees -Bangladesh"
        assert search('recruitmnt fes -"household spending"').suggestion == 'recruitment fees -"household spending"'
        # The only paper with recruitment fees speaks of agents: no respelling finds anything without them.
        assert search("recruitmnt fes -agents").suggestion is None

    def test_did_you_mean_is_not_the_query_without_its_punctuation(self):
        # Nothing matches because of the exclusion; "pre departure orientation" is no respelling.
        results = search('"pre-departure orientation" -Nepal')
        assert results.total == 0 and results.suggestion is None

    def test_a_clear_typo_shows_the_respelling_s_results(self):
        results = search_or_correct(SearchParams(q="recruitmnt fes", filters={"country": ("NP",)}))
        assert results.corrected_from == "recruitmnt fes"
        assert results.params.q == "recruitment fees" and results.params.filters == {"country": ("NP",)}
        assert ids(results) == [1]
        # "Search instead for" what was typed: no correction, the suggestion stays on offer.
        verbatim = search_or_correct(SearchParams(q="recruitmnt fes"), verbatim=True)
        assert verbatim.total == 0 and verbatim.corrected_from is None and verbatim.suggestion == "recruitment fees"
        # A query that finds something is never corrected.
        assert search_or_correct(SearchParams(q="recruitment fees")).corrected_from is None

    def test_autocomplete_titles_and_taxonomy_terms(self):
        options = autocomplete("rem")
        labels = [o["label"] for o in options]
        assert "Remittances" in labels  # the theme
        assert "Remittances and household spending in Bangladesh" in labels
        theme = next(o for o in options if o["label"] == "Remittances")
        assert theme["kind"] == "theme" and theme["url"] == "/themes/remittances/"
        country = next(o for o in autocomplete("Nep") if o["kind"] == "country")
        assert country == {"label": "Nepal", "kind": "country", "url": "/countries/np/"}
        assert autocomplete("r") == []

    @pytest.mark.parametrize(
        "q",
        ['"unbalanced', "((x", "-", "OR OR", "x" * 5000, "\x00\x1b", 'fees -"', "* ? : ^ ~ / \\", "[1 TO 5]"],
    )
    def test_malformed_queries_answer(self, q):
        results = search(q)
        assert results.total >= 0
