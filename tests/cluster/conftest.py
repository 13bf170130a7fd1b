"""The local 3-node Elasticsearch cluster, for every test under tests/cluster/ (marked `cluster`).

`scripts/elasticsearch start --nodes 3` runs it (make test starts and stops it; the first test
here starts it when it is not running). Every test in this folder talks to all three nodes
(ELASTICSEARCH_URL lists them) with one replica per shard, and starts with a green cluster:
a node a fault test killed is started again and the cluster waited for, never slept for.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from elasticsearch import Elasticsearch

ROOT = Path(__file__).resolve().parents[2]
NODES = 3
CLUSTER_PORT = int(os.environ.get("ES_CLUSTER_PORT", "9211"))
START_TIMEOUT_S = 240


class Cluster:
    """The nodes of the local cluster: their addresses and pids, killing and restarting them."""

    def __init__(self, port: int = CLUSTER_PORT, nodes: int = NODES) -> None:
        self.port = port
        self.nodes = nodes
        self.urls = [f"http://127.0.0.1:{port + i}" for i in range(nodes)]
        self.env = {**os.environ, "ES_CLUSTER_PORT": str(port)}
        self.env.pop("ELASTICSEARCH_URL", None)  # the script must start ours, not defer to another

    def script(self, action: str, timeout: float = START_TIMEOUT_S) -> str:
        """Run scripts/elasticsearch <action> --nodes N and return its output."""
        done = subprocess.run(
            [str(ROOT / "scripts" / "elasticsearch"), action, "--nodes", str(self.nodes)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0 and action != "status":
            raise RuntimeError(f"scripts/elasticsearch {action} failed: {done.stderr[-2000:]}")
        return done.stdout

    def pids(self) -> dict[int, int]:
        """Node number -> pid, for the nodes that run."""
        return {int(node): int(pid) for node, pid in (line.split() for line in self.script("pids").splitlines())}

    def start(self) -> None:
        """Start the nodes that are not running and wait until the cluster is green with all of them."""
        self.script("start")

    def kill(self, node: int) -> int:
        """SIGKILL one node (no shutdown, as a power cut would) and wait until it is gone."""
        pid = self.pids()[node]
        os.kill(pid, signal.SIGKILL)
        self._wait_gone([pid])
        return pid

    def kill_all(self) -> None:
        """SIGKILL every node."""
        pids = list(self.pids().values())
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self._wait_gone(pids)

    def client(self, **options) -> Elasticsearch:
        """A client that knows every node."""
        return Elasticsearch(self.urls, request_timeout=30, **options)

    @staticmethod
    def _wait_gone(pids: list[int], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while any(Path(f"/proc/{pid}").exists() for pid in pids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Elasticsearch processes {pids} still there after SIGKILL")
            time.sleep(0.05)


def pytest_collection_modifyitems(items) -> None:
    """Everything in this folder runs against the cluster: mark it so (`-m cluster` selects it)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.cluster)
            item.add_marker(pytest.mark.elasticsearch)


# Seconds spent in this folder's tests (setup, call and teardown, so starting the cluster and
# bringing killed nodes back count too), for the one line CI prints about them.
_spent = {"seconds": 0.0, "tests": set()}


def pytest_runtest_logreport(report) -> None:
    """Add up the time of every phase of every test here (only this folder's reports reach this hook)."""
    _spent["seconds"] += report.duration
    _spent["tests"].add(report.nodeid)


def pytest_terminal_summary(terminalreporter) -> None:
    """One line with the cluster tests' share of the run, so CI shows what the cluster part costs."""
    if _spent["tests"]:
        terminalreporter.write_line(
            f"cluster tests: {len(_spent['tests'])} tests took {_spent['seconds']:.1f} s "
            "(setup, call and teardown, starting and restarting nodes included)"
        )


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The running cluster (started here when it is not)."""
    local = Cluster()
    local.start()
    return local


@pytest.fixture(scope="session")
def es_client(cluster):
    """Every test here uses the cluster: its client, and the test's indices removed from it at the end."""
    client = cluster.client()
    yield client
    client.indices.delete(index=f"{django_settings.SEARCH_INDEX_NAME}*", ignore_unavailable=True, allow_no_indices=True)
    client.close()


@pytest.fixture(autouse=True)
def on_cluster(cluster, settings):
    """Point the hub at all three nodes, one replica per shard; every test starts and ends green."""
    settings.ELASTICSEARCH_URL = ",".join(cluster.urls)
    settings.SEARCH_INDEX_REPLICAS = 1
    cluster.start()  # no-op when all nodes run; brings back what a failed test left down
    yield cluster
    cluster.start()
