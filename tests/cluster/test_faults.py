"""Faults injected into the 3-node cluster: nothing is lost and search keeps answering.

Nodes are killed with SIGKILL by pid (no shutdown, as a power cut would), started again with
`scripts/elasticsearch start --nodes 3`, and every test ends with the cluster green (the folder's
conftest waits for it). The final state is always compared with the database document by
document (`search_index --check`, a deep comparison).
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command

from search import indexing
from search.documents import alias_name, building_alias_name
from search.faceted import run_search
from search.models import IndexOutbox
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def command(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("search_index", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def found(q: str = "") -> set[int]:
    indexing.refresh()
    return {hit.page_id for hit in run_search(SearchParams(q=q, page_size=100)).hits}


def assert_index_equals_database() -> None:
    """`search_index --check`: every page in the database, and nothing else, current, in the index."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("search_index", "--check", stdout=out, stderr=err)
    except CommandError:
        pytest.fail(f"search_index --check: {out.getvalue()}")


def primary_node(es_client, index: str) -> int:
    """The node number (1-3) that holds the primary of ``index``'s first shard."""
    shards = es_client.cat.shards(index=index, format="json")
    name = next(s["node"] for s in shards if s["prirep"] == "p" and s["shard"] == "0")
    return int(name.rsplit("-", 1)[1])


@pytest.fixture
def many_pages(site_root, run_on_commit, search_index, es_client):
    """Twenty live publications, indexed, the index green (a replica of every shard)."""
    with run_on_commit():
        pages = [factories.publication(site_root, f"Remittance corridor study {n}") for n in range(20)]
    es_client.cluster.health(index=alias_name(), wait_for_status="green", timeout="60s")
    assert found("corridor") == {p.pk for p in pages}
    return pages


def test_node_killed_during_a_rebuild(cluster, es_client, many_pages, monkeypatch):
    """The node holding the new index is killed after the first chunk; searches keep answering from
    the old index; the rebuild either completes with every document or fails leaving the old one."""
    ids = {p.pk for p in many_pages}
    old = indexing.indices_with_alias(es_client, alias_name())
    seen_meanwhile: list[set[int]] = []
    killed: list[int] = []
    restart = threading.Thread(target=cluster.start)
    original_pipeline, original_rebuild = indexing._bulk_pipeline, indexing.rebuild

    def pipeline_with_a_fault(client, *args):
        for n, results in enumerate(original_pipeline(client, *args)):
            yield results
            if n == 0:
                building = indexing.indices_with_alias(es_client, building_alias_name())
                killed.append(cluster.kill(primary_node(es_client, building[0])))
                seen_meanwhile.append(found("corridor"))  # the old index, on the survivors
                restart.start()  # as an operator would; the rebuild may wait for it or fail

    monkeypatch.setattr(indexing, "_bulk_pipeline", pipeline_with_a_fault)
    # Small chunks, one at a time, so the node dies in the middle of the load.
    monkeypatch.setattr(indexing, "rebuild", lambda **kw: original_rebuild(**kw, chunk_size=4, threads=0))
    try:
        command("--rebuild", "--no-progress")
        completed = True
    except CommandError:
        completed = False
    finally:
        if restart.is_alive() or killed:
            restart.join()
    assert killed and seen_meanwhile == [ids]
    live = indexing.indices_with_alias(es_client, alias_name())
    if completed:
        assert live != old
    else:  # failed cleanly: the old index still serves, and no half-built index is left behind
        assert live == old
        assert indexing.indices_with_alias(es_client, building_alias_name()) == []
    assert found("corridor") == ids
    assert_index_equals_database()


def test_node_killed_during_live_publishing(cluster, es_client, site_root, run_on_commit, search_index, settings):
    """Pages keep being published through the outbox while the node holding the index's primary is
    killed. A web instance that lists every node moves on to a survivor by itself; one that knows
    only the dead node cannot write, and its outbox keeps what it could not send, with the reason,
    until the node is back. Searches answer throughout, and nothing published or withdrawn is lost.

    The instance that knows one node is what makes a write fail: with a replica of every shard and
    the client retrying elsewhere, writes through the others never do, and an outbox that forgot a
    failed write (deleting its row) would go unnoticed.
    """
    es_client.cluster.health(index=alias_name(), wait_for_status="green", timeout="60s")
    victim = primary_node(es_client, indexing.indices_with_alias(es_client, alias_name())[0])
    # The victim first in the list: the client must move on to a survivor by itself.
    every_node = ",".join(cluster.urls[victim - 1 : victim] + [u for n, u in enumerate(cluster.urls, 1) if n != victim])
    dead_node_only = cluster.urls[victim - 1]
    settings.ELASTICSEARCH_URL = every_node
    before = []
    for n in range(4):
        with run_on_commit():
            before.append(factories.publication(site_root, f"Recruitment fee study {n}"))
    cluster.kill(victim)
    through_survivors, stranded = [], []
    for n in range(4, 10):
        settings.ELASTICSEARCH_URL = every_node if n < 7 else dead_node_only
        with run_on_commit():
            page = factories.publication(site_root, f"Recruitment fee study {n}")
        (through_survivors if n < 7 else stranded).append(page)
        settings.ELASTICSEARCH_URL = every_node
        # Searches answer from the surviving copies; what they miss is still in the outbox.
        waiting = set(IndexOutbox.objects.values_list("page_id", flat=True))
        assert found("recruitment") | waiting >= {p.pk for p in before + through_survivors + stranded}
    settings.ELASTICSEARCH_URL = dead_node_only
    with run_on_commit():
        before[0].unpublish()  # a withdrawal the dead node cannot take either
    settings.ELASTICSEARCH_URL = every_node
    assert found("recruitment") == {p.pk for p in before + through_survivors}
    failed = {row.page_id: row for row in IndexOutbox.objects.all()}
    assert set(failed) == {p.pk for p in stranded} | {before[0].pk}, "the outbox forgot writes that failed"
    assert all(row.attempts >= 1 and row.last_error.startswith("Elasticsearch: ") for row in failed.values())
    cluster.start()
    out = command("--process-outbox")
    assert "0 still pending" in out, out
    assert found("recruitment") == {p.pk for p in before[1:] + through_survivors + stranded}
    assert_index_equals_database()


def test_whole_cluster_down_while_pages_change(cluster, es_client, site_root, run_on_commit, search_index, client):
    """Every node killed; pages published, unpublished, deleted and re-published in quick succession;
    the outbox keeps all of it, the site answers, and once the cluster is back the index equals the
    database document by document."""
    with run_on_commit():
        before = [factories.publication(site_root, f"Return migration study {n}") for n in range(6)]
    assert found("return") == {p.pk for p in before}
    cluster.kill_all()
    assert client.get("/api/v1/search", {"q": "return"}).status_code == 503  # answers: "unavailable"
    assert client.get("/search/", {"q": "return"}).status_code == 503
    with run_on_commit():
        new = [factories.publication(site_root, f"Return migration study new {n}") for n in range(3)]
    with run_on_commit():
        before[0].unpublish()
    with run_on_commit():
        before[1].save_revision().publish()  # a new revision
    with run_on_commit():
        before[2].delete()
    with run_on_commit():
        before[3].unpublish()
    with run_on_commit():
        before[3].save_revision().publish()  # and back again
    with run_on_commit():
        new[0].unpublish()
    with run_on_commit():
        new[1].delete()
    with run_on_commit():
        before[4].title = "Return migration study, revised"
        before[4].save_revision().publish()
    assert IndexOutbox.objects.filter(attempts__gt=0).exists()  # tried, failed, kept
    cluster.start()
    out = command("--process-outbox")
    assert "0 still pending" in out, out
    expected = {before[1].pk, before[3].pk, before[4].pk, before[5].pk, new[2].pk}
    assert found("return") == expected
    assert_index_equals_database()
    source = es_client.get(index=alias_name(), id=str(before[4].pk))["_source"]
    assert source["title"] == "Return migration study, revised"
