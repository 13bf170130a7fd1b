"""Fixtures shared by the whole suite.

Elasticsearch tests run against the real server named by ELASTICSEARCH_URL (started by
`scripts/elasticsearch start`); every run uses its own index names (settings.SEARCH_INDEX_NAME
carries the process id and a random suffix) and removes them at the end.
"""

import pytest
from django.conf import settings
from elasticsearch import Elasticsearch


@pytest.fixture(scope="session")
def es_client():
    """A client for the real Elasticsearch server; the run fails loudly if it is not there."""
    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:
        pytest.fail(
            f"Elasticsearch is not reachable at {settings.ELASTICSEARCH_URL} ({exc.__class__.__name__}). "
            "Start it with `scripts/elasticsearch start` (make test does this)."
        )
    yield client
    client.indices.delete(index=f"{settings.SEARCH_INDEX_NAME}*", ignore_unavailable=True, allow_no_indices=True)
    client.close()


@pytest.fixture
def site_root(db):
    """The home page created by the migrations (the root of the public page tree)."""
    from salam.models import HomePage

    return HomePage.objects.get()
