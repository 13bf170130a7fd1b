"""Fixtures for the search tests: a fresh index behind the per-run alias, against the real server."""

import pytest

from tests.factories import search as factories


@pytest.fixture
def search_index(es_client):
    """An empty index behind the alias for one test, removed afterwards."""
    name = factories.fresh_index(es_client)
    yield name
    factories.drop_all(es_client)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the outbox replay) of everything done inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
