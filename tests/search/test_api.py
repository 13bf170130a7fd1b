"""The JSON API: results and facets, strict validation (400, never 500), rate limits, outages, docs."""

import datetime

import pytest
from django.core.cache import caches

from search import indexing
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]
DEAD_URL = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def pages(site_root, run_on_commit, search_index):
    with run_on_commit():
        fees = factories.publication(
            site_root,
            "Recruitment fees paid by Nepali workers",
            pages=["Introduction.", "Most migrant workers paid recruitment fees to agents."],
            countries=["NP"],
            gcm=[6],
            publication_date=datetime.date(2021, 4, 1),
        )
        remit = factories.publication(
            site_root, "Remittances in Bangladesh", countries=["BD"], publication_date=datetime.date(2023, 1, 1)
        )
    indexing.refresh()
    return fees, remit


def test_search_returns_results_facets_and_passages(client, pages):
    fees, _ = pages
    response = client.get("/api/v1/search", {"q": "recruitment fees", "country": "np"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1 and data["filters"] == {"country": ["NP"]}
    result = data["results"][0]
    assert result["id"] == fees.pk and result["url"].startswith("http://testserver/")
    assert result["countries"] == [{"code": "NP", "name": "Nepal"}]
    assert result["passages"][0]["page"] == 2 and "<mark>fees</mark>" in result["passages"][0]["html"]
    assert result["citations"]["bib"] == f"http://testserver/publications/{fees.pk}/cite.bib"
    countries = {fv["value"]: fv for fv in data["facets"]["country"]}
    assert countries["NP"]["selected"] and countries["NP"]["count"] == 1
    assert "BD" not in countries  # "recruitment fees" does not match the remittances paper


@pytest.mark.parametrize(
    "params",
    [{"q": "recruitment fees", "country": "np"}, {"q": "remittances", "sort": "newest"}, {}, {"q": "zzzqqq"}],
)
def test_search_answers_exactly_the_documented_schema(client, pages, params):
    # The view renders its payload without ninja's validation (for speed): it must already be
    # what SearchOut would produce, field for field and in the same order.
    from search.api import SearchOut

    response = client.get("/api/v1/search", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert SearchOut.model_validate(data).model_dump(mode="json") == data
    assert list(data) == list(SearchOut.model_fields)
    for result in data["results"]:
        assert list(result) == list(SearchOut.model_fields["results"].annotation.__args__[0].model_fields)


def test_facet_values_combine_with_or_and_repeat_or_comma(client, pages):
    repeated = client.get("/api/v1/search", {"country": ["NP", "BD"]}).json()
    comma = client.get("/api/v1/search", {"country": "NP,BD"}).json()
    assert repeated["total"] == comma["total"] == 2
    newest = client.get("/api/v1/search", {"sort": "newest"}).json()
    assert [r["title"] for r in newest["results"]] == [
        "Remittances in Bangladesh",
        "Recruitment fees paid by Nepali workers",
    ]


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"country": "XX"}, "country", "Unknown country code 'XX'"),
        ({"country": "Nepal"}, "country", "Unknown country code"),
        ({"theme": "cooking"}, "theme", "Unknown theme"),
        ({"gcm": "24"}, "gcm", "Unknown GCM objective"),
        ({"type": "novel"}, "type", "Unknown type"),
        ({"year": "20x1"}, "year", "Invalid year"),
        ({"language": "xx"}, "language", "Unknown language"),
        ({"page": "-1"}, "page", "page must be between 1 and"),
        ({"page": "0"}, "page", "page must be between 1 and"),
        ({"page": "abc"}, "page", "page"),
        ({"page": "1e9"}, "page", "page"),
        ({"page": "99999"}, "page", "results beyond the first 10000"),
        ({"page_size": "1000"}, "page_size", "page_size must be between 1 and 50"),
        ({"page_size": "0"}, "page_size", "page_size must be between 1 and 50"),
        ({"sort": "random"}, "sort", "Unknown sort 'random'"),
        ({"q": "x" * 10_000}, "q", "q is too long: 10000 characters"),
        ({"colour": "red"}, "colour", "Unknown parameter 'colour'"),
    ],
)
def test_bad_parameters_answer_400_with_a_clear_message(client, pages, params, parameter, words):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["parameter"] == parameter
    assert words in data["detail"]


@pytest.mark.parametrize("q", ['"unbalanced', "((", "-", "OR OR", "\x00\x1b", "fees -", '"" - OR ( ] }'])
def test_malformed_queries_still_answer(client, pages, q):
    response = client.get("/api/v1/search", {"q": q})
    assert response.status_code == 200
    assert response.json()["total"] >= 0


def test_elasticsearch_down_answers_503_json(client, settings, db):
    settings.ELASTICSEARCH_URL = DEAD_URL
    response = client.get("/api/v1/search", {"q": "fees"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "temporarily unavailable" in response.json()["detail"]
    assert client.get("/api/v1/autocomplete", {"q": "nep"}).status_code == 503


def test_rate_limit_per_address_answers_429_json(client, settings, pages):
    settings.SEARCH_API_RATE_LIMIT = "3/m"
    statuses = [client.get("/api/v1/search", {"q": "fees"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/search", {"q": "fees"})
    assert limited["Content-Type"].startswith("application/json")
    assert "Too many requests" in limited.json()["detail"]
    # Another address has its own allowance.
    assert client.get("/api/v1/search", {"q": "fees"}, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_autocomplete(client, pages):
    data = client.get("/api/v1/autocomplete", {"q": "rem"}).json()
    labels = [s["label"] for s in data["suggestions"]]
    assert "Remittances in Bangladesh" in labels
    nepal = client.get("/api/v1/autocomplete", {"q": "Nep"}).json()["suggestions"][0]
    assert nepal == {"label": "Nepal", "kind": "country", "url": "http://testserver/countries/np/"}
    assert client.get("/api/v1/autocomplete", {"q": "r"}).json()["suggestions"] == []
    missing = client.get("/api/v1/autocomplete")
    assert missing.status_code == 400 and missing.json()["parameter"] == "q"
    assert client.get("/api/v1/autocomplete", {"q": "n" * 101}).status_code == 400


def test_openapi_schema_and_local_docs(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "country", "theme", "gcm", "type", "year", "language", "sort", "page", "page_size"} <= parameters
    assert "400" in schema["paths"]["/api/v1/search"]["get"]["responses"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html and "/api/v1/openapi.json" in html
    assert "cdn" not in html.lower() and "https://" not in html
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset["Content-Type"] == "text/javascript"
    assert b"SwaggerUIBundle" in b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/settings.py").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code == 404
