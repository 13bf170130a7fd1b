"""Index writes are ordered by the database, not by each worker's clock, and never re-create a dropped index."""

import time

import pytest

from search import builders, indexing, tasks
from search.documents import alias_name
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]


def in_index(es_client, page_id) -> bool:
    indexing.refresh(es_client)
    return es_client.exists(index=alias_name(), id=str(page_id)).body


def test_versions_come_from_a_counter_in_the_database():
    first, second = indexing.next_version(), indexing.next_version()
    assert second == first + 1
    assert first > 1_700_000_000_000_000  # above the clock-made versions of older indices


def test_a_worker_with_a_fast_clock_cannot_keep_an_unpublished_page_searchable(
    site_root, run_on_commit, search_index, es_client, monkeypatch
):
    with run_on_commit():
        page = factories.publication(site_root, "Overtime pay in Qatar")
    assert in_index(es_client, page.pk)
    real = time.time_ns
    with monkeypatch.context() as fast:  # this worker's clock is a day ahead while it re-indexes the page
        fast.setattr(time, "time_ns", lambda: real() + 86_400 * 10**9)
        tasks.queue_pages([page.pk])
        indexing.replay_outbox()
    with run_on_commit():
        page.unpublish()
    assert not in_index(es_client, page.pk)


def test_a_late_write_after_an_alias_swap_goes_to_the_new_index(site_root, run_on_commit, search_index, es_client):
    with run_on_commit():
        page = factories.publication(site_root, "Wage protection in Oman")
    targets = indexing.write_targets(es_client)  # a replay that read its targets before the rebuild
    old = indexing.indices_with_alias(es_client, alias_name())
    report = indexing.rebuild(client=es_client)
    assert report.removed == old
    failed = indexing.bulk_write(
        es_client, builders.documents_for([page.pk]), indexing.next_version(), targets
    )  # ... and wrote after it
    assert failed == {}
    assert not any(es_client.indices.exists(index=name).body for name in old)
    assert indexing.indices_with_alias(es_client, alias_name()) == [report.index]
    assert in_index(es_client, page.pk)
