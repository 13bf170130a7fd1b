"""Background upkeep of the index: retries and the daily embargo sweep are scheduled once, moved
pages and renamed taxonomy terms are re-indexed."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from search import indexing, tasks
from search.faceted import run_search
from search.models import IndexOutbox, SearchState
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "extraction"]}}


@pytest.fixture
def dummy_tasks(settings):
    """A task backend that records tasks (and can defer them) instead of running them."""
    from django_tasks import task_backends

    settings.TASKS = DUMMY_TASKS  # django-tasks resets its backends when TASKS changes
    backend = task_backends["default"]
    backend.clear()
    return backend


def test_next_sweep_is_just_after_local_midnight():
    now = datetime.datetime(2025, 3, 10, 18, 30, tzinfo=datetime.UTC)  # 00:15 on the 11th in Kathmandu
    assert timezone.localtime(tasks.next_sweep_time(now)).isoformat() == "2025-03-12T00:05:00+05:45"


def test_the_embargo_sweep_is_scheduled_once(dummy_tasks):
    assert tasks.schedule_embargo_sweep() is True
    assert tasks.schedule_embargo_sweep() is False  # already scheduled for tonight
    assert len(dummy_tasks.results) == 1
    result = dummy_tasks.results[0]
    assert result.task.name == "lift_embargoes" and result.task.run_after > timezone.now()


def test_a_failed_replay_schedules_one_retry(dummy_tasks, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    IndexOutbox.objects.create(page_id=1, action="index")
    report = tasks.process_outbox.call()
    assert report["remaining"] == 1 and report["failed"] == 1
    tasks.process_outbox.call()
    retries = [r for r in dummy_tasks.results if r.task.name == "process_outbox"]
    assert len(retries) == 1 and retries[0].task.run_after > timezone.now()
    assert SearchState.objects.filter(key=tasks.RETRY_STATE).exists()


def test_a_replay_that_raises_still_schedules_its_retry(dummy_tasks, monkeypatch):
    IndexOutbox.objects.create(page_id=1, action="index")

    def crash(**kwargs):  # what the worker saw: the database gave up in the middle of the replay
        raise RuntimeError("database is locked")

    monkeypatch.setattr(indexing, "replay_outbox", crash)
    with pytest.raises(RuntimeError, match="database is locked"):
        tasks.process_outbox.call()
    retries = [r for r in dummy_tasks.results if r.task.name == "process_outbox"]
    assert len(retries) == 1 and retries[0].task.run_after > timezone.now()


def test_nothing_pending_schedules_nothing(dummy_tasks):
    assert tasks.process_outbox.call()["remaining"] == 0
    assert dummy_tasks.results == []


@pytest.mark.parametrize(("attempts", "minutes"), [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 15), (40, 15)])
def test_retries_back_off_to_at_most_15_minutes(attempts, minutes):
    assert tasks.retry_delay(attempts) == datetime.timedelta(minutes=minutes)


def test_the_retry_waits_according_to_the_oldest_failing_row(dummy_tasks, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    IndexOutbox.objects.create(page_id=1, action="index", attempts=3)  # failing for a while
    IndexOutbox.objects.create(page_id=2, action="index")  # new
    before = timezone.now()
    tasks.process_outbox.call()  # the replay fails again: attempts 4 and 1
    retry = next(r for r in dummy_tasks.results if r.task.name == "process_outbox")
    waited = retry.task.run_after - before
    assert datetime.timedelta(minutes=8) <= waited < datetime.timedelta(minutes=9)


def test_immediate_backends_cannot_defer_and_nothing_breaks(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    IndexOutbox.objects.create(page_id=1, action="index")
    assert tasks.process_outbox.call()["remaining"] == 1
    assert not SearchState.objects.filter(key=tasks.RETRY_STATE).exists()


@pytest.mark.elasticsearch
@pytest.mark.usefixtures("search_index")
class TestReindexing:
    def test_moving_a_page_under_a_private_section_hides_it(self, site_root, run_on_commit):
        from publications.models import PublicationIndexPage

        with run_on_commit():
            page = factories.publication(site_root, "Moving study of seasonal work")
            private = PublicationIndexPage(title="Internal", slug="internal")
            site_root.add_child(instance=private)
            PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        indexing.refresh()
        assert [h.page_id for h in run_search(SearchParams(q="seasonal")).hits] == [page.pk]
        with run_on_commit():
            page.move(private, pos="last-child")
        indexing.refresh()
        assert run_search(SearchParams(q="seasonal")).total == 0

    def test_renaming_a_country_reindexes_its_pages(self, site_root, run_on_commit):
        from themes.models import Country

        with run_on_commit():
            page = factories.publication(site_root, "Remittance corridors", countries=["VN"])
        with run_on_commit():
            country = Country.objects.get(alpha2="VN")
            country.name = "Vietnam (renamed)"
            country.save()
        indexing.refresh()
        hit = run_search(SearchParams(q="remittance")).hits[0]
        assert hit.page_id == page.pk and hit.countries == [("VN", "Vietnam (renamed)")]
        assert run_search(SearchParams(q="renamed")).total == 1


@pytest.mark.elasticsearch
def test_export_ignores_bad_parameters(client, site_root, run_on_commit, search_index):
    with run_on_commit():
        factories.publication(site_root, "Exported study", countries=["NP"])
    indexing.refresh()
    response = client.get("/search/export.bib", {"country": ["NP", "XX"], "page": "-5", "sort": "bogus"})
    assert response.status_code == 200
    assert response.content.decode().count("@techreport{") == 1
