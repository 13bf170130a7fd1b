"""The background thread counts what requests queued, on its own connection, with nobody calling flush()."""

import time

import pytest
from django.test import RequestFactory

from tests.factories.publications import make_index, make_publication
from tests.usage.conftest import BROWSER
from usage import recorder
from usage.models import UsageKind, UsageVisit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_thread_counts_a_queued_view_by_itself(site_root, settings):
    paper = make_publication(make_index(site_root), title="Counted in the background")
    settings.USAGE_FLUSH_INTERVAL_S = 0.2
    request = RequestFactory().get(paper.url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.20")
    recorder.record(request, UsageKind.VIEW, paper.pk)
    thread = recorder._state.thread
    assert thread is not None and thread.is_alive()
    # Polls for the row; bounded, and what it asserts is the row, not how long it took.
    for _ in range(150):
        if UsageVisit.objects.filter(page=paper).exists():
            break
        time.sleep(0.2)
    assert UsageVisit.objects.filter(page=paper, kind=UsageKind.VIEW).count() == 1
    assert recorder.take_queued() == []
    settings.USAGE_FLUSH_INTERVAL_S = 0
    thread.join(timeout=30)
    assert not thread.is_alive(), "a thread switched off must end"
