"""Fixtures shared by the whole suite.

Elasticsearch tests run against the real server named by ELASTICSEARCH_URL (started by
`scripts/elasticsearch start`); every run uses its own index names (settings.SEARCH_INDEX_NAME
carries the process id and a random suffix) and removes them at the end.
"""

import os

import pytest
from django.conf import settings
from elasticsearch import Elasticsearch


@pytest.fixture(scope="session")
def es_client():
    """A client for the real Elasticsearch server; the run fails loudly if it is not there."""
    from search.documents import elasticsearch_hosts

    client = Elasticsearch(elasticsearch_hosts(), request_timeout=30)
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, dropped cleanly at the end even after browser tests.

    The live server's request threads can leave a PostgreSQL session open on the test database
    (pytest-django #429/#454), and PostgreSQL refuses to drop a database in use: every run with a
    browser test then left its test_salam_<pid> database behind. Those sessions are ended first.
    """
    yield
    from django.db import connection

    # Only ever a test database: a run that ends connected to the real one (seen with several
    # runs sharing one server) must not cut off everybody else's sessions there.
    if connection.vendor == "postgresql" and connection.settings_dict["NAME"].startswith("test_"):
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND current_database() LIKE 'test\\_%%' "
                "AND pid <> pg_backend_pid()"
            )


def _uses_database(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "db" in fixtures or "transactional_db" in fixtures


@pytest.fixture(scope="session", autouse=True)
def tagger_model(request, django_db_blocker):
    """The trained tagger, installed in the test database once per run (None when no test uses the database).

    The base model is trained on the corpus the first time (about a minute) and cached in
    var/tagger/, keyed by the corpus and the tagger's code; later runs, and tests that empty the
    database, install it from there in a moment.
    """
    if not any(_uses_database(item) for item in request.session.items):
        return None  # pytest-django creates no test database then: do not touch the real one
    request.getfixturevalue("django_db_setup")
    from themes.services.models import active_model

    with django_db_blocker.unblock():
        return active_model()


@pytest.fixture
def site_root(db):
    """The home page created by the migrations (the root of the public page tree)."""
    from salam.models import HomePage

    return HomePage.objects.get()


# Debian's Chromium, never a browser downloaded by a test tool. The flags keep it from reaching
# for the network at start-up (this machine has none) and let it run as root in CI.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    """Headless Chromium driven by Playwright, for tests marked `browser` (with `live_server`)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls; the tests' ORM calls stay synchronous and are safe to allow.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def search_index(es_client):
    """An empty index behind the alias for one test, removed afterwards."""
    from tests.factories import search as factories

    name = factories.fresh_index(es_client)
    yield name
    factories.drop_all(es_client)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the outbox replay) of everything done inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
