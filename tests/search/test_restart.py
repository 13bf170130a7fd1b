"""The outbox catches up after a real Elasticsearch server was stopped and started again.

A throwaway server (scripts/elasticsearch on a free port, its own data directory under /tmp)
is started, stopped and restarted; pages published while it is down are indexed when it is back,
and what was indexed before the stop is still there. Slow: each start of the JVM takes tens of
seconds on a busy two-core machine.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from elasticsearch import Elasticsearch

from search import indexing
from search.documents import new_index_name
from search.faceted import run_search
from search.models import IndexOutbox
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ES_VERSION = "8.19.7"


def _free_port() -> int:
    """A port that is free together with port + 100 (the script puts the transport port there)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 100 < 65535:
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port + 100))
                except OSError:
                    continue
            return port
    pytest.skip("no free pair of ports")


class ThrowawayServer:
    """scripts/elasticsearch with its own port and data directory."""

    def __init__(self):
        zips = list((django_settings.VAR_DIR / "elasticsearch").glob(f"elasticsearch-{ES_VERSION}.zip"))
        zips += list(Path("/var/tmp").glob(f"salam-elasticsearch-*/elasticsearch-{ES_VERSION}.zip"))
        if not zips or shutil.which("java") is None:
            pytest.skip("needs the cached Elasticsearch zip and Java (run scripts/elasticsearch start once)")
        self.var = Path(tempfile.mkdtemp(prefix="salam-es-restart-", dir="/tmp"))
        self.var.chmod(0o755)  # the script runs Elasticsearch as an unprivileged user when we are root
        (self.var / "elasticsearch").mkdir()
        shutil.copy(zips[0], self.var / "elasticsearch")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "ES_PORT": str(self.port), "ES_HEAP": "256m", "SALAM_VAR_DIR": str(self.var)}
        self.env.pop("ELASTICSEARCH_URL", None)

    def run(self, action: str) -> None:
        subprocess.run([str(ROOT / "scripts" / "elasticsearch"), action], env=self.env, check=True, timeout=300)

    def cleanup(self) -> None:
        try:
            self.run("stop")
        finally:
            shutil.rmtree(self.var, ignore_errors=True)


@pytest.fixture
def server():
    throwaway = ThrowawayServer()
    try:
        throwaway.run("start")
        yield throwaway
    finally:
        throwaway.cleanup()


def titles(client: Elasticsearch) -> list[str]:
    client.indices.refresh(index=indexing.alias_name())
    response = client.search(index=indexing.alias_name(), size=50, source=["title"])
    return sorted(hit["_source"]["title"] for hit in response["hits"]["hits"])


def test_outbox_catches_up_after_the_server_is_stopped_and_started(server, settings, site_root, run_on_commit):
    settings.ELASTICSEARCH_URL = server.url
    client = Elasticsearch(server.url, request_timeout=30)
    indexing.create_index(client, new_index_name(), aliases=[indexing.alias_name()])
    with run_on_commit():
        factories.publication(site_root, "Indexed before the stop")
    assert titles(client) == ["Indexed before the stop"]

    server.run("stop")
    with run_on_commit():
        factories.publication(site_root, "Published while the server was stopped")
        factories.publication(site_root, "Also published while it was stopped")
    rows = list(IndexOutbox.objects.all())
    assert len(rows) == 2 and all(row.attempts >= 1 and "ConnectionError" in row.last_error for row in rows)

    server.run("start")
    report = indexing.replay_outbox()
    assert (report.synced, report.failed, report.remaining) == (2, 0, 0)
    assert titles(client) == [
        "Also published while it was stopped",
        "Indexed before the stop",
        "Published while the server was stopped",
    ]
    results = run_search(SearchParams(q="published"))
    assert results.total == 2
    client.close()
