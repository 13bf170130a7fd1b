"""Schemathesis against /api/v1/openapi.json: every operation, a fixed number of seeded examples.

Each generated request goes through the whole stack in process (Django's WSGI handler, the real
Elasticsearch index with a few publications in it). It fails on any 5xx, on a status, content type
or body the schema does not document, and on invalid input accepted or valid input refused.
Derandomized, so CI sees the same examples each run; FUZZ_EXAMPLES raises the count for a longer
run by hand.
"""

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from search.api import api
from search.params import DEFAULT_PAGE_SIZE, MAX_RESULT_WINDOW, MAX_YEAR, MIN_YEAR
from tests.search.test_api import pages  # noqa: F401 (the indexed publications the examples search)

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]
# corridor too: its two codes must be known countries, and different ones.
TAXONOMY_PARAMETERS = {"country", "theme", "gcm", "language", "type", "corridor"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))


# Built when the module is collected, without a request (so without the database); the first test
# checks that it is the very document /api/v1/openapi.json serves.
OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
schema = schemathesis.openapi.from_dict(OPENAPI)
application = get_wsgi_application()


@pytest.fixture
def one_client(settings):
    """Requests straight to the WSGI handler inside the test's transaction, from one address.

    Every example comes from one address (the per-address rate limit would stop the run), and, as
    Django's test client does, the handler must not close the test's database connection.
    """
    settings.SEARCH_API_RATE_LIMIT = None
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").json() == OPENAPI


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, pages, one_client):  # noqa: F811
    response = case.call(app=application)
    # The schema can say a country is two letters, not which countries the taxonomy holds (editors
    # add them), so a well-formed but unknown value is refused with a 400 naming it; every other
    # refusal of schema-valid input still fails, by the check below.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if case.meta is not None and not case.meta.generation.mode.is_negative:
        body = response.json()
        unknown_term = response.status_code == 400 and body.get("parameter") in TAXONOMY_PARAMETERS
        # Nor can it say that page x page_size stays within the first MAX_RESULT_WINDOW results: a page
        # beyond them is refused with a 400 naming "page", and only then.
        query = case.query or {}
        beyond = int(query.get("page", 1)) * int(query.get("page_size", DEFAULT_PAGE_SIZE)) > MAX_RESULT_WINDOW
        past_window = response.status_code == 400 and body.get("parameter") == "page" and beyond
        refused_ok = unknown_term or past_window
        assert response.status_code < 400 or refused_ok, f"valid request refused: {response.status_code} {body}"
        if unknown_term:
            # A corridor's two codes must also differ ("AA-AA"), which a pattern cannot say either.
            same_twice = body["parameter"] == "corridor" and "two different countries" in body["detail"]
            assert body["detail"].startswith("Unknown") or same_twice, body


def test_the_year_pattern_admits_exactly_the_years_the_api_accepts():
    """Regression (schemathesis): the schema allowed year=0000, which the API refuses."""
    pattern = OPENAPI["paths"]["/api/v1/search"]["get"]["parameters"]
    (year,) = [p for p in pattern if p["name"] == "year"]
    allowed = re.compile(year["schema"]["items"]["pattern"])
    admitted = {n for n in range(0, 10000) if allowed.match(f"{n:04d}")}
    assert admitted == set(range(MIN_YEAR, MAX_YEAR + 1))
    assert allowed.match("")  # the empty value: no filter, as the API treats it
