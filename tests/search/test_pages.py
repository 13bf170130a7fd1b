"""The search page, citation export, evidence map and landing pages, rendered through Django."""

import csv
import datetime
import io

import pytest

from search.evidence import PALETTE, legend_for, shade_for
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]
DEAD_URL = "http://127.0.0.1:9"


@pytest.fixture
def pages(site_root, run_on_commit, search_index):
    """Three publications, one private, one draft, one embargoed, and a lecture, indexed."""
    from wagtail.models import PageViewRestriction

    from search import indexing

    with run_on_commit():
        fees = factories.publication(
            site_root,
            "Recruitment fees paid by Nepali workers",
            pages=["Introduction.", "Most migrant workers paid recruitment fees to agents."],
            countries=["NP", "QA"],
            themes=["fair-recruitment"],
            gcm=[6],
            authors=["Anjali Sharma"],
            abstract="What workers pay <before> they leave.",
        )
        remit = factories.publication(
            site_root,
            "Remittances in Bangladesh",
            pages=["Remittances pay school fees."],
            countries=["BD"],
            themes=["remittances"],
            gcm=[20],
            publication_type="report",
        )
        embargoed = factories.publication(
            site_root,
            "Embargoed brief on Nepal",
            pages=["Secret finding about recruitment fees in Nepal."],
            countries=["NP"],
            gcm=[6],
            embargo_until=datetime.date(2999, 1, 1),
        )
        factories.publication(site_root, "Draft about recruitment fees", pages=["Draft text"], live=False)
        lecture = factories.lecture(site_root, "Lecture on recruitment in Nepal", countries=["NP"], gcm=[6])
        # A publication made private after it was published.
        private = factories.publication(site_root, "Private recruitment fees memo", countries=["NP"])
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    indexing.refresh()
    return {
        "fees": fees,
        "remit": remit,
        "embargoed": embargoed,
        "lecture": lecture,
        "private": private,
    }


class TestSearchPage:
    def test_results_facets_highlights_and_page_numbers(self, client, pages):
        response = client.get("/search/", {"q": "recruitment fees"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<mark>Recruitment</mark> <mark>fees</mark> paid by Nepali workers</a>" in html
        assert "</a>:</span> …Most migrant workers paid <mark>recruitment</mark> <mark>fees</mark>" in html
        # "page 2" opens the PDF at that page.
        assert f'<a href="/publications/{pages["fees"].pk}/pdf#page=2">page 2<' in html
        assert 'name="country" value="NP"' in html and 'Nepal <span class="facet__count">(2' in html
        assert "Anjali Sharma" in html
        assert f'href="/publications/{pages["fees"].pk}/cite.bib"' in html
        assert 'role="search"' in html and '<label for="q">' in html and '<label for="sort">' in html

    def test_drafts_private_pages_and_embargoed_text_never_show(self, client, pages):
        html = client.get("/search/", {"q": "recruitment fees"}).content.decode()
        assert "Draft about recruitment fees" not in html
        assert "Private recruitment fees memo" not in html
        assert "Secret finding" not in html
        # The embargoed brief is found by its metadata only, without passages.
        embargoed = client.get("/search/", {"q": "embargoed brief"}).content.decode()
        assert (
            "<mark>Embargoed</mark> <mark>brief</mark> on Nepal" in embargoed
            and "Full text under embargo until 2999-01-01" in embargoed
        )
        assert client.get("/search/", {"q": "secret finding"}).content.decode().count('class="result"') == 0

    def test_facet_filters_are_in_the_url_and_removable(self, client, pages):
        response = client.get("/search/", {"country": "NP", "type": "lecture"})
        html = response.content.decode()
        assert "Lecture on recruitment in Nepal" in html and "Remittances in Bangladesh" not in html
        assert 'value="NP" checked' in html and 'value="lecture" checked' in html
        # Removing one filter keeps the other.
        assert 'href="?country=NP"' in html
        assert 'href="?type=lecture"' in html
        assert "Remove filter </span>Country: Nepal" in html

    def test_unknown_filters_and_values_are_ignored(self, client, pages):
        response = client.get(
            "/search/",
            {"country": ["NP", "ZZ"], "colour": "red", "sort": "sideways", "page": "abc", "page_size": "9999"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "3 results" in html  # fees, embargoed brief, lecture: ZZ ignored

    @pytest.mark.parametrize(
        "q",
        [
            '"unbalanced',
            "((",
            "-",
            "OR OR",
            "x" * 5000,
            "\x00\x1b[31m",
            "a" + "\u202e" * 10,
            "<script>alert(1)</script>",
        ],
    )
    def test_malformed_queries_answer(self, client, pages, q):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_a_clear_typo_shows_the_corrected_results(self, client, pages):
        html = client.get("/search/", {"q": "recrutment fess", "country": "NP"}).content.decode()
        assert "Showing results for <strong>recruitment fees</strong>." in html
        assert "<mark>Recruitment</mark> <mark>fees</mark> paid by Nepali workers</a>" in html
        assert 'value="recruitment fees"' in html  # the search box holds what was searched
        # "Search instead for" what was typed, under the same filters.
        instead = '<a href="?q=recrutment+fess&amp;country=NP&amp;verbatim=1">recrutment fess</a>'
        assert f"Search instead for {instead}" in html
        verbatim = client.get("/search/", {"q": "recrutment fess", "country": "NP", "verbatim": "1"}).content.decode()
        assert 'class="result"' not in verbatim and "Showing results for" not in verbatim
        assert 'Did you mean <a href="?q=recruitment+fees&amp;country=NP">recruitment fees</a>?' in verbatim

    def test_did_you_mean_keeps_the_exclusions(self, client, pages):
        html = client.get("/search/", {"q": "recrutment fess -Bangladesh"}).content.decode()
        assert "Showing results for <strong>recruitment fees -Bangladesh</strong>." in html
        assert "Remittances in Bangladesh" not in html

    def test_pagination_and_sorting(self, client, pages):
        html = client.get("/search/", {"page_size": "2", "sort": "newest"}).content.decode()
        assert 'aria-label="Result pages"' in html and 'rel="next"' in html
        assert '<span aria-current="page">1</span>' in html
        second = client.get("/search/", {"page_size": "2", "page": "2"}).content.decode()
        assert '<ol class="result-list" start="3">' in second

    def test_elasticsearch_down_gives_a_friendly_503(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        response = client.get("/search/", {"q": "fees"})
        assert response.status_code == 503
        html = response.content.decode()
        assert "Search is temporarily unavailable" in html
        assert 'href="/themes/"' in html and "Traceback" not in html

    def test_bibtex_export_of_the_results(self, client, pages):
        response = client.get("/search/export.bib", {"country": "NP"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/x-bibtex")
        body = response.content.decode()
        assert body.count("@techreport{") == 2  # the fees paper and the embargoed brief; not the lecture
        assert "Recruitment fees paid by Nepali workers" in body and "Private" not in body
        # Absolute links on the host the visitor used, not the Wagtail Site's ("http://localhost/").
        assert f"url = {{http://testserver{pages['fees'].url}}}" in body
        assert "localhost" not in body

    def test_a_passage_s_page_link_leads_to_the_pdf_only_when_its_text_is_public(self, client, pages):
        response = client.get(f"/publications/{pages['fees'].pk}/pdf")
        assert response.status_code == 302 and response["Location"] == pages["fees"].pdf.url
        for name in ("embargoed", "private", "lecture"):
            assert client.get(f"/publications/{pages[name].pk}/pdf").status_code == 404, name
        assert client.get("/publications/999999/pdf").status_code == 404

    def test_an_evidence_map_cell_adds_one_type_chip(self, client, pages):
        from search.evidence import search_url

        html = client.get(search_url("NP", "gcm", "6")).content.decode()
        assert html.count("Remove filter </span>Type:") == 1
        assert "Remove filter </span>Type: Publications" in html
        assert "Recruitment fees paid by Nepali workers" in html and "Lecture on recruitment" not in html
        # Removing it keeps the cell's country and objective.
        assert 'href="?country=NP&amp;gcm=6"><span class="visually-hidden">Remove filter </span>Type:' in html

    @pytest.mark.parametrize(("objectives", "fold"), [(11, "3 more GCM objectives"), (9, "1 more GCM objective")])
    def test_folded_facet_values_are_named_in_plain_words(self, client, es_client, search_index, objectives, fold):
        factories.load(es_client, [factories.synthetic(f"Paper {n}", gcm=[str(n)]) for n in range(1, objectives + 1)])
        html = client.get("/search/").content.decode()
        assert f"<summary>{fold}</summary>" in html
        assert "gcm objective values" not in html.lower()


class TestEvidenceMap:
    def test_palette_classes_and_legend(self):
        assert shade_for(0, 10) is None
        assert shade_for(10, 10) == len(PALETTE) - 1
        assert shade_for(1, 10) == 0
        assert [label for _, label, _ in legend_for(3)] == ["1", "2", "3"]
        assert legend_for(0) == []

    def test_matrix_counts_links_and_accessible_table(self, client, pages):
        response = client.get("/evidence-map/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
        # Nepal x objective 6: the fees paper and the embargoed brief (the lecture is not a publication).
        assert 'href="/search/?country=NP&amp;gcm=6&amp;type=research_paper' in html
        nepal_row = html.split('href="/countries/np/">Nepal</a></th>')[1].split("</tr>")[0]
        cells = nepal_row.split("<td")[1:-1]
        assert len(cells) == 23
        assert ">2</a>" in cells[5] and "cell--empty" in cells[0]
        assert 'class="cell heat-' in cells[5] and "style=" not in html.split("<main")[1]
        # Countries of the region without any publication still have a (gap) row.
        assert 'href="/countries/jp/">Japan</a>' in html

    def test_switch_to_themes_and_csv(self, client, pages):
        html = client.get("/evidence-map/", {"columns": "theme"}).content.decode()
        assert "Countries \u00d7 themes" in html and "Fair and ethical recruitment" in html
        response = client.get("/evidence-map.csv", {"columns": "gcm"})
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["country_code", "country", rows[0][2]] and rows[0][2].startswith("1: ")
        nepal = next(row for row in rows if row[0] == "NP")
        assert nepal[2 + 5] == "2" and nepal[-1] == "2"
        assert client.get("/evidence-map/", {"columns": "nonsense"}).status_code == 200

    def test_map_is_503_when_elasticsearch_is_down(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        assert client.get("/evidence-map/").status_code == 503
        assert client.get("/evidence-map.csv").status_code == 503


class TestLandingPages:
    def test_gcm_objective_page_counts_and_latest(self, client, pages):
        html = client.get("/gcm/6/").content.decode()
        assert "Facilitate fair and ethical recruitment" in html
        assert "<strong>3</strong> publications and lectures tagged GCM Objective 6" in html
        assert "1 lecture" in html and "Lecture on recruitment in Nepal" in html
        assert 'href="/search/?gcm=6"' in html
        assert "Often tagged together: countries" in html and "Nepal (3)" in html

    def test_country_and_theme_pages(self, client, pages):
        html = client.get("/countries/bd/").content.decode()
        assert "Remittances in Bangladesh" in html and "<strong>1</strong>" in html
        assert client.get("/themes/remittances/").status_code == 200
        assert client.get("/countries/zz/").status_code == 404
        assert client.get("/countries/nepal/").status_code == 404
        assert client.get("/gcm/24/").status_code == 404
        assert client.get("/themes/no-such-theme/").status_code == 404

    def test_landing_pages_survive_elasticsearch_being_down(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        response = client.get("/gcm/21/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Figures and the latest results are unavailable right now" in html
        assert 'href="/search/?gcm=21"' in html


def test_the_search_page_reads_little_from_the_database(client, pages, django_assert_max_num_queries):
    client.get("/search/", {"q": "recruitment"})  # taxonomy and synonyms are cached per process
    # Navigation, partners and Wagtail's site lookup: the results themselves come from the index.
    with django_assert_max_num_queries(5):
        response = client.get("/search/", {"q": "recruitment fees", "country": "NP", "sort": "newest"})
    assert response.status_code == 200
