"""A country page's corridor map: origin -> destination flows from co-tagged countries, live public pages only."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from salam.flow_map import Flow, flow_map
from search.corridors import corridor_direction
from search.exceptions import InvalidSearchParameter
from search.faceted import search_body
from search.params import parse_params
from search.query import parse_query
from tests.factories import search as factories

DEAD_URL = "http://127.0.0.1:9"
SVG = "{http://www.w3.org/2000/svg}"
ORIGIN, DESTINATION, BOTH, NEITHER = (True, False), (False, True), (True, True), (False, False)


class TestDirection:
    @pytest.mark.parametrize(
        ("first", "second", "expected"),
        [
            (ORIGIN, DESTINATION, ("NP", "QA")),
            (DESTINATION, ORIGIN, ("QA", "NP")),
            (ORIGIN, ORIGIN, None),  # Nepal and India: two origins are no corridor
            (DESTINATION, DESTINATION, None),
            (NEITHER, DESTINATION, None),
            (BOTH, BOTH, None),  # each could be either end: no one direction
            (BOTH, DESTINATION, ("NP", "QA")),
            (BOTH, ORIGIN, ("QA", "NP")),
        ],
    )
    def test_the_taxonomy_s_roles_decide_the_direction(self, first, second, expected):
        assert corridor_direction("NP", first, "QA", second) == expected


def _flows():
    return [
        Flow("NP", "Nepal", "QA", "Qatar", 6, 1, "/search/?corridor=NP-QA"),
        Flow("NP", "Nepal", "BH", "Bahrain", 0, 1),  # a lecture only: "1 lecture", not "0 publications and ..."
        Flow("NP", "Nepal", "KR", "Republic of Korea", 2),
        Flow("NP", "Nepal", "XK", "Kosovo", 1),  # no position known: listed, not drawn
    ]


class TestDrawing:
    def test_arrows_are_titled_and_wider_for_more_evidence(self):
        drawn = flow_map("Corridors of <Nepal>", _flows(), focus="NP", focus_name="Nepal")
        for svg in (drawn.svg, drawn.svg_narrow):
            root = ET.fromstring(str(svg))  # noqa: S314 - our own output: well-formed, every text escaped
            assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Corridors of <Nepal>"
            arrows = {
                g.find(f"{SVG}title").text: float(g.find(f"{SVG}path").get("stroke-width"))
                for g in root.iter(f"{SVG}g")
                if g.get("class") == "flow-map__flow"
            }
            assert set(arrows) == {
                "Nepal to Qatar: 6 publications and 1 lecture",
                "Nepal to Republic of Korea: 2 publications",
                "Nepal to Bahrain: 1 lecture",
            }
            assert (
                arrows["Nepal to Qatar: 6 publications and 1 lecture"]
                > arrows["Nepal to Republic of Korea: 2 publications"]
            )
            assert arrows["Nepal to Republic of Korea: 2 publications"] > arrows["Nepal to Bahrain: 1 lecture"]
            assert "style=" not in svg and "<script" not in svg
            assert root.find(f".//{SVG}path[@class='flow-map__land']") is not None  # the region's outlines
        assert drawn.unplaced == ["Kosovo"]
        assert [flow.destination for flow in drawn.flows] == ["QA", "KR", "BH", "XK"]  # the table: biggest first
        assert drawn.description.startswith("4 corridors; the widest arrow, Nepal to Qatar")

    def test_no_flows_draw_nothing(self):
        drawn = flow_map("Corridors of Japan", [], focus="JP", focus_name="Japan", focus_is_origin=False)
        assert drawn.empty and drawn.svg == "" and drawn.total == 0


class TestCorridorParameter:
    @pytest.mark.django_db
    def test_read_leniently_by_the_page_and_strictly_by_the_api(self):
        from django.http import QueryDict

        params = parse_params(QueryDict("corridor=np-qa"), strict=True)
        assert params.filters["corridor"] == ("NP", "QA") and params.query_string() == "corridor=NP-QA"
        for bad, message in (
            ("NP", "two country codes joined by a hyphen"),
            ("NP-QA-SA", "two country codes joined by a hyphen"),
            ("N1-QA", "two country codes joined by a hyphen"),
            ("NP-NP", "two different countries"),
            ("NP-ZZ", "Unknown country code 'ZZ'"),
            ("<script>-QA", "two country codes"),
        ):
            assert "corridor" not in parse_params(QueryDict(f"corridor={bad}"), strict=False).filters
            with pytest.raises(InvalidSearchParameter, match=message) as error:
                parse_params(QueryDict(f"corridor={bad}"), strict=True)
            assert error.value.parameter == "corridor"
        with pytest.raises(InvalidSearchParameter, match="one corridor"):
            parse_params(QueryDict("corridor=NP-QA&corridor=IN-SA"), strict=True)

    @pytest.mark.django_db
    def test_an_alert_on_a_corridor_search_keeps_the_corridor(self):
        from django.http import QueryDict

        from alerts.searches import alert_params, describe, params_of, query_string

        params = alert_params(QueryDict("corridor=NP-QA&theme=remittances&sort=newest"), strict=True)
        assert query_string(params) == "theme=remittances&corridor=NP-QA"
        assert params_of(query_string(params)) == params
        assert describe(params) == "Theme: Remittances; Corridor: Nepal to Qatar"
        with pytest.raises(InvalidSearchParameter):
            alert_params(QueryDict("corridor=NP-XX"), strict=True)

    @pytest.mark.django_db
    def test_the_api_documents_it_and_refuses_a_bad_one_naming_it(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        parameters = {
            p["name"]: p for path in schema["paths"].values() for op in path.values() for p in op.get("parameters", [])
        }
        assert parameters["corridor"]["schema"]["pattern"] == "^([A-Za-z]{2}-[A-Za-z]{2})?$"
        response = client.get("/api/v1/search", {"corridor": "NP-NP"})
        assert response.status_code == 400 and response.json()["parameter"] == "corridor"

    def test_both_countries_narrow_the_hits_and_every_facet(self):
        body = search_body(
            parse_query(""), {"corridor": ("NP", "QA"), "type": ("report",)}, "relevance", offset=0, size=10
        )
        both = [{"term": {"countries": "NP"}}, {"term": {"countries": "QA"}}]
        assert body["post_filter"] == {"bool": {"must": [{"terms": {"type": ["report"]}}, *both]}}
        assert body["aggs"]["_filter_type"]["filter"] == {"bool": {"must": both}}
        assert body["aggs"]["_filter_country"]["filter"]["bool"]["must"][1:] == both


@pytest.fixture
def corridors(site_root, run_on_commit, search_index):
    """Nepal -> Qatar three times (one a lecture), Nepal -> Saudi Arabia once (embargoed), Nepal with India; and
    a draft and a private page on Nepal -> Qatar and Nepal -> Kuwait that never count."""
    from wagtail.models import PageViewRestriction

    from search import indexing

    later = datetime.date.today() + datetime.timedelta(days=60)
    with run_on_commit():
        factories.publication(site_root, "Fees in Qatar", countries=["NP", "QA"])
        factories.publication(
            site_root, "Gulf wages", countries=["QA", "NP", "SA"], embargo_until=later, pages=["SECRETWORD"]
        )
        factories.publication(site_root, "Nepal and India", countries=["NP", "IN"])
        factories.lecture(site_root, "Lecture on Qatar", countries=["NP", "QA"])
        factories.publication(site_root, "Draft on Kuwait", countries=["NP", "KW"], live=False)
        private = factories.publication(site_root, "Private on Kuwait", countries=["NP", "KW", "QA"])
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    indexing.refresh()


def _page(client, url: str) -> str:
    return re.sub(r">\s+<", "><", client.get(url).content.decode())


@pytest.mark.django_db
@pytest.mark.elasticsearch
class TestCountryPage:
    def test_corridors_come_from_live_public_pages_and_link_to_their_search(self, client, corridors):
        html = _page(client, "/countries/np/")
        figure = html.split('<figure class="chart flow-map"')[1].split("</figure>")[0]
        assert "<title>Nepal to Qatar: 2 publications and 1 lecture</title>" in figure
        assert "<title>Nepal to Saudi Arabia: 1 publication</title>" in figure
        assert "Kuwait" not in figure and "India" not in figure  # a draft, a private page; two origins
        assert "SECRETWORD" not in html and "Draft on Kuwait" not in html and "Private" not in html
        table = figure.split("<tbody>")[1]
        assert table.startswith(
            '<tr><th scope="row">Nepal</th><td class="flow-map__name">Qatar</td><td>2</td><td>1</td>'
            '<td class="flow-map__name"><a href="/search/?corridor=NP-QA">'
        )
        assert "style=" not in html.split("<main")[1]
        # The link's search finds exactly the corridor's live public pages.
        results = _page(client, "/search/?corridor=NP-QA")
        assert "3 results" in results and "Corridor: Nepal \u2192 Qatar" in results
        assert "Fees in Qatar" in results and "Nepal and India" not in results and "Private" not in results
        assert client.get("/api/v1/search", {"corridor": "NP-QA"}).json()["total"] == 3
        # A bad corridor: the page ignores it, the API names it.
        assert client.get("/search/", {"corridor": "NP-"}).status_code == 200
        bad = client.get("/api/v1/search", {"corridor": "NP-NP"})
        assert bad.status_code == 400 and "corridor" in bad.content.decode()
        # A destination's page draws the same corridor towards itself; two destinations are no corridor.
        figure = _page(client, "/countries/qa/").split('<figure class="chart flow-map"')[1].split("</figure>")[0]
        assert "<title>Nepal to Qatar: 2 publications and 1 lecture</title>" in figure
        assert "Saudi Arabia" not in figure
        # India is tagged with Nepal only, another origin: no corridor, and the page says so.
        india = _page(client, "/countries/in/")
        assert "No corridor yet: no publication or lecture is tagged with India and a country of destination." in india

    def test_no_map_when_elasticsearch_is_down(self, client, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        html = _page(client, "/countries/np/")
        assert "unavailable right now" in html and "flow-map" not in html
