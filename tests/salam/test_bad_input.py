"""Numbers in URLs: only ASCII digits in range are numbers; anything else is ignored, refused or 404, never 500."""

import pytest

from salam.numbers import parse_int
from tests.factories.lectures import make_lecture
from tests.factories.publications import make_index, make_publication

pytestmark = pytest.mark.django_db

NOT_YEARS = ["²", "①", "२०२४", "٢٠٢٤", "2O24", "9" * 5000, "20 24", "-2024", "+2024", "1899", "2101"]
HUGE = "9" * 20


class TestParseInt:
    @pytest.mark.parametrize("text", ["²", "①", "२०२४", "٣", "1e3", "0x10", "", " ", "١٢", "9" * 19, "1_000", True])
    def test_only_ascii_digits_of_sensible_length_are_numbers(self, text):
        assert parse_int(text) is None

    def test_numbers_and_ranges(self):
        assert parse_int(" 42 ") == 42
        assert parse_int("-3") == -3
        assert parse_int("2024", low=1900, high=2100) == 2024
        assert parse_int("2101", low=1900, high=2100) is None
        assert parse_int(7) == 7


@pytest.mark.elasticsearch
class TestSearchYears:
    @pytest.fixture(autouse=True)
    def index(self, search_index):
        return search_index

    @pytest.mark.parametrize("year", NOT_YEARS)
    def test_the_search_page_ignores_a_year_that_is_not_one(self, client, year):
        response = client.get("/search/", {"year": year})
        assert response.status_code == 200

    @pytest.mark.parametrize("year", NOT_YEARS)
    def test_the_api_refuses_it_with_a_message(self, client, year):
        response = client.get("/api/v1/search", {"year": year})
        assert response.status_code == 400, response.content[:300]
        assert response.json()["parameter"] == "year"
        assert "Invalid year" in response.json()["detail"]

    @pytest.mark.parametrize("value", ["²", "\uff19", "1" * 5000])
    def test_page_numbers_and_objectives_too(self, client, value):
        assert client.get("/search/", {"page": value, "gcm": value}).status_code == 200
        for name in ("page", "page_size", "gcm"):
            response = client.get("/api/v1/search", {name: value})
            assert response.status_code == 400, (name, response.content[:300])
            assert response.json()["parameter"] == name

    def test_the_citation_export_ignores_it(self, client):
        assert client.get("/search/export.bib", {"year": "²"}).status_code == 200

    def test_elasticsearch_refusing_a_request_is_a_400_not_an_outage(self, client, monkeypatch):
        from search import faceted

        # A body the real server refuses (400 parsing_exception), as a query it cannot parse would be.
        monkeypatch.setattr(faceted, "search_body", lambda *a, **k: {"query": {"no_such_query": {}}})
        page = client.get("/search/", {"q": "nepal"})
        assert page.status_code == 400
        assert "could not be run" in page.content.decode()
        api = client.get("/api/v1/search", {"q": "nepal"})
        assert api.status_code == 400 and "could not be run" in api.json()["detail"]


class TestPublicationListFilters:
    @pytest.mark.parametrize("name", ["year", "gcm"])
    @pytest.mark.parametrize("value", ["²", "①", "२०२४", "9" * 5000])
    def test_a_filter_that_is_not_a_number_is_ignored_with_a_notice(self, client, site_root, name, value):
        index = make_index(site_root)
        make_publication(index, title="A paper on fees")
        response = client.get(index.url, {name: value})
        assert response.status_code == 200
        html = response.content.decode()
        assert "A paper on fees" in html
        assert "ignored" in html or "all years are shown" in html


class TestIdsInPaths:
    @pytest.mark.parametrize(
        "url",
        [
            f"/publications/{HUGE}/cite.bib",
            f"/publications/{HUGE}/cite.ris",
            f"/publications/{HUGE}/cite.json",
            f"/lectures/{HUGE}/calendar.ics",
            f"/lectures/{HUGE}/transcript.vtt",
            f"/gcm/{HUGE}/",
            f"/documents/{HUGE}/paper.pdf",
            "/publications/१२/cite.bib",
        ],
    )
    def test_out_of_range_ids_are_not_found(self, client, site_root, url):
        assert client.get(url).status_code == 404

    def test_registering_for_an_out_of_range_lecture_is_not_found(self, client, site_root):
        make_lecture()
        assert client.post(f"/lectures/{HUGE}/register/", {"email": "a@example.org"}).status_code == 404
