"""scripts/elasticsearch --nodes: the cluster it started is whole, and bad arguments get a clear error."""

import subprocess

import pytest

from tests.cluster.conftest import ROOT


def test_three_nodes_one_cluster_distinct_ports_and_a_snapshot_folder(cluster, es_client):
    nodes = es_client.nodes.info()["nodes"].values()
    assert sorted(node["name"] for node in nodes) == ["salam-node-1", "salam-node-2", "salam-node-3"]
    ports = {node["http"]["publish_address"].rsplit(":", 1)[1] for node in nodes}
    assert ports == {str(cluster.port + i) for i in range(3)}
    assert all(node["settings"]["path"]["repo"] for node in nodes)
    assert len(set(cluster.pids().values())) == 3
    assert "running" in cluster.script("status")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["start", "--nodes", "many"], "--nodes must be a number from 1 to 9"),
        (["start", "--nodes", "0"], "--nodes must be a number from 1 to 9"),
        (["start", "--nodes"], "--nodes needs a number"),
        (["start", "--node", "3"], "unknown argument '--node'"),
        (["restart", "--nodes", "3"], "usage: scripts/elasticsearch"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(args, words):
    done = subprocess.run([str(ROOT / "scripts" / "elasticsearch"), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert words in done.stderr
