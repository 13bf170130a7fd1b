"""The indexing, rebuild and search tests again, against the 3-node cluster with one replica per shard.

The same test functions as on the single node (imported, so they cannot drift apart); the
folder's conftest points the hub at every node. Added here: each shard really has a copy on a
second node, so losing any one node loses no document.
"""

import pytest

from search import documents, indexing
from tests.factories import search as factories
from tests.search.test_api import (  # noqa: F401  (fixtures the imported tests use)
    fresh_rate_limits,
    pages,
    test_search_returns_results_facets_and_passages,
)
from tests.search.test_indexing import TestFollowingThePageTree, TestOutage, publish  # noqa: F401
from tests.search.test_rebuild import TestRebuild, three_pages  # noqa: F401

pytestmark = [pytest.mark.django_db]


def test_every_shard_has_a_replica_on_another_node(site_root, run_on_commit, search_index, es_client):
    with run_on_commit():
        page = factories.publication(site_root, "Remittance corridors after the pandemic", pages=["Corridors."])
    es_client.cluster.health(index=documents.alias_name(), wait_for_status="green", timeout="60s")
    shards = es_client.cat.shards(index=documents.alias_name(), format="json")
    assert {shard["prirep"] for shard in shards} == {"p", "r"}
    assert all(shard["state"] == "STARTED" for shard in shards)
    by_shard: dict[str, set[str]] = {}
    for shard in shards:
        by_shard.setdefault(shard["shard"], set()).add(shard["node"])
    assert all(len(nodes) == 2 for nodes in by_shard.values()), by_shard
    indexing.refresh()
    assert es_client.get(index=documents.alias_name(), id=str(page.pk))["found"]
