"""Rate-limit counters: atomic, expiring, and never a reason to refuse someone when they fail."""

import datetime

import pytest
from django.core.cache import caches
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from salam.cache import AtomicCounterCache
from salam.models import RateCounter
from salam.ratelimits import over_limit

pytestmark = pytest.mark.django_db


@pytest.fixture
def counters() -> AtomicCounterCache:
    cache = caches["ratelimit"]
    cache.clear()
    return cache


class TestAtomicCounterCache:
    def test_add_sets_only_once_and_incr_counts(self, counters):
        assert counters.add("k", 1, 60) is True
        assert counters.add("k", 1, 60) is False
        assert counters.incr("k") == 2
        assert counters.incr("k", 5) == 7
        assert counters.get("k") == 7

    def test_an_expired_counter_is_dead_and_add_starts_it_again(self, counters):
        counters.add("k", 1, 60)
        RateCounter.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
        assert counters.get("k", "none") == "none"
        with pytest.raises(ValueError):
            counters.incr("k")
        assert counters.add("k", 1, 60) is True
        assert counters.incr("k") == 2
        assert counters.purge_expired() == 0

    def test_purge_removes_only_dead_counters(self, counters):
        counters.add("alive", 1, 60)
        counters.add("dead", 1, 60)
        RateCounter.objects.filter(key__endswith="dead").update(expires=timezone.now() - datetime.timedelta(hours=1))
        assert counters.purge_expired() == 1
        assert counters.get("alive") == 1

    def test_only_integers_are_stored(self, counters):
        with pytest.raises(TypeError):
            counters.add("k", "text", 60)
        with pytest.raises(TypeError):
            counters.set("k", 1.5)

    def test_set_touch_delete(self, counters):
        counters.set("k", 3, 60)
        assert counters.touch("k", 120) is True
        assert counters.has_key("k")
        assert counters.delete("k") is True
        assert not counters.has_key("k")


class TestOverLimit:
    def test_counts_to_the_limit_then_refuses(self, counters):
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
        verdicts = [over_limit(request, group="t", key="ip", rate="3/h") for _ in range(5)]
        assert verdicts == [False, False, False, True, True]

    def test_a_counter_that_cannot_be_written_lets_the_person_through(self, counters, monkeypatch, caplog):
        def broken(*args, **kwargs):
            raise DatabaseError("database is locked")

        monkeypatch.setattr(AtomicCounterCache, "add", broken)
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
        assert [over_limit(request, group="t", key="ip", rate="1/h") for _ in range(3)] == [False] * 3
        assert "could not be counted" in caplog.text
