"""Pictures from the index: landing-page charts and the evidence map as a heat map with filters and exports."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]
DEAD_URL = "http://127.0.0.1:9"


@pytest.fixture
def pages(site_root, run_on_commit, search_index):
    """Nepal publications of two types over three years; a draft, a private page and a lecture that never count."""
    from wagtail.models import PageViewRestriction

    from search import indexing

    with run_on_commit():
        for title, kind, year, gcm in (
            ("Fees 2021", "research_paper", 2021, [6]),
            ("Fees brief 2021", "policy_brief", 2021, [6]),
            ("Returnees 2023", "research_paper", 2023, [21]),
        ):
            factories.publication(
                site_root,
                title,
                countries=["NP", "QA"],
                gcm=gcm,
                publication_type=kind,
                publication_date=datetime.date(year, 5, 1),
            )
        factories.publication(
            site_root,
            "Draft on Nepal",
            countries=["NP"],
            gcm=[6],
            live=False,
            publication_date=datetime.date(2021, 1, 1),
        )
        private = factories.publication(
            site_root, "Private on Nepal", countries=["NP"], gcm=[6], publication_date=datetime.date(2021, 1, 1)
        )
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        factories.lecture(site_root, "Lecture on Nepal", countries=["NP"], gcm=[6])
    indexing.refresh()


def _page(client, url: str, query: dict | None = None) -> str:
    # Whitespace between tags is layout only.
    return re.sub(r">\s+<", "><", client.get(url, query or {}).content.decode())


def _row(html: str, country: str) -> list[str]:
    return html.split(f'href="/countries/{country}/">')[1].split("</tr>")[0].split("<td")[1:]


class TestLandingCharts:
    def test_country_page_charts_publications_per_year_and_type(self, client, pages):
        html = _page(client, "/countries/np/")
        assert html.count('role="img"') >= 2
        assert "Publications per year, by type" in html and "Publications by type" in html
        # The per-year table: every year from the first to the last, the gap year with zeros; only live public pages.
        table = html.split("<caption>Publications per year, by type</caption>")[1].split("</table>")[0]
        assert '<th scope="col">Research paper</th>' in table and '<th scope="col">Policy brief</th>' in table
        assert '<a href="/search/?country=NP&amp;year=2021' in table
        row_2021 = table.split("year=2021")[1].split("</tr>")[0]
        assert "<td>1</td><td>1</td>" in row_2021 and "<td>2</td>" in row_2021
        assert ">2022</a></th><td>0</td><td>0</td><td>0</td>" in table
        assert "<td>3</td>" in table.split("<tfoot>")[1]  # 3 publications: no draft, no private page, no lecture
        assert "style=" not in html.split("<main")[1]

    def test_a_term_with_nothing_shows_no_empty_chart(self, client, pages):
        html = client.get("/countries/jp/").content.decode()
        assert "Nothing is tagged Japan yet." in html and 'role="img"' not in html

    def test_charts_are_left_out_when_elasticsearch_is_down(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        html = _page(client, "/countries/np/")
        assert "unavailable right now" in html and 'role="img"' not in html


class TestHeatMap:
    def test_counts_only_live_public_publications_with_totals(self, client, pages):
        html = _page(client, "/evidence-map/")
        nepal = _row(html, "np")
        assert ">2</a>" in nepal[5] and "heat-" in nepal[5]  # objective 6: two; no draft, private page or lecture
        assert nepal[-1].endswith(">3</td>")  # the row total: three publications
        assert "3 publications in all" in html
        assert "Draft on Nepal" not in html and "Private" not in html
        assert "style=" not in html.split("<main")[1]
        assert 'class="map-legend__swatch heat-' in html

    def test_filters_by_type_and_year_narrow_counts_and_links(self, client, pages):
        html = _page(client, "/evidence-map/", {"type": "policy_brief", "year": "2021"})
        assert "1 publication in all" in html and "policy briefs of 2021" in html
        assert 'href="/search/?country=NP&amp;gcm=6&amp;type=policy_brief&amp;year=2021"' in html
        assert '<option value="policy_brief" selected>' in html and '<option value="2021" selected>' in html
        assert "type=policy_brief&amp;year=2021" in html.split("map-downloads")[1]
        html = _page(client, "/evidence-map/", {"year": "2023"})
        assert ">1</a>" in _row(html, "np")[20] and "1 publication in all" in html
        # The year list stays whole while one year is chosen.
        assert '<option value="2021">' in html and '<option value="2023" selected>' in html

    @pytest.mark.parametrize(
        "query, message",
        [
            ({"type": "<script>"}, "That publication type is unknown"),
            ({"year": "20x1"}, "A year is four digits"),
            ({"year": "\u0968\u0966\u0968\u0967"}, "A year is four digits"),  # Devanagari digits
            ({"year": "99999"}, "A year is four digits"),
            ({"columns": "nonsense"}, "no view called that"),
        ],
    )
    def test_bad_filters_are_ignored_and_said(self, client, pages, query, message):
        response = client.get("/evidence-map/", query)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html and "3 publications in all" in html and "<script>" not in html.split("<main")[1]

    def test_svg_and_png_exports(self, client, pages):
        response = client.get("/evidence-map.svg", {"type": "research_paper"})
        assert response["Content-Type"].startswith("image/svg+xml")
        assert 'filename="salam-evidence-map-gcm-research_paper.svg"' in response["Content-Disposition"]
        root = ET.fromstring(response.content)  # noqa: S314 - our own output
        assert root.get("role") == "img"
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert "Nepal" in texts and "All countries" in texts
        assert "Publications by country and GCM objective (Research paper)" in texts
        response = client.get("/evidence-map.png", {"columns": "theme", "year": "bad"})
        assert response["Content-Type"] == "image/png" and response.content[:8] == b"\x89PNG\r\n\x1a\n"
        import io

        from PIL import Image

        image = Image.open(io.BytesIO(response.content))
        assert image.width > 300 and image.height > 300

    def test_exports_are_503_when_elasticsearch_is_down(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        assert client.get("/evidence-map.svg").status_code == 503
        assert client.get("/evidence-map.png").status_code == 503


class TestHomeFigures:
    def test_home_counts_live_public_evidence_and_previews_the_map(self, client, pages):
        html = _page(client, "/")
        figures = html.split('id="figures-heading"')[1].split("</section>")[0]
        # Three live public publications (no draft, no private page); Nepal and Qatar covered.
        assert '<span class="figure-list__number">3</span> publications' in figures
        assert "2 research papers" in figures and "1 policy brief" in figures
        assert '<span class="figure-list__number">2</span> countries covered' in figures
        assert 'href="/evidence-map/"' in figures and "map-preview__cell heat-" in figures
        assert '<a href="/gcm/6/">6. Facilitate fair and ethical recruitment' in html
        assert "style=" not in html.split("<main")[1]

    def test_home_page_works_without_elasticsearch(self, client, settings, site_root):
        settings.ELASTICSEARCH_URL = DEAD_URL
        response = client.get("/")
        assert response.status_code == 200 and "The evidence in figures" not in response.content.decode()
