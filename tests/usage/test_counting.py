"""Usage counted the COUNTER way: robots out, double clicks merged, unique per visitor and day, no
address kept, only live public publications, and never a write inside the request."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from publications.models import PublicationIndexPage
from salam.models import HomePage
from tests.factories.publications import make_document, make_index, make_publication
from tests.publications.conftest import rolled_back_after_module
from tests.usage.conftest import BROWSER
from usage import recorder
from usage.counting import Event, count_events, local_day, roll_up
from usage.models import DailyUsage, UsageKind, UsageSalt, UsageVisit

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Kathmandu")
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "python-requests/2.32.3",
    "curl/8.5.0",
    "",
]


def ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def noon(day: datetime.date = datetime.date(2026, 3, 10)) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), ZONE)


def view(page, at: datetime.datetime, ip: str = "198.51.100.7", agent: str = BROWSER) -> Event:
    return Event(UsageKind.VIEW, page.pk, ip, agent, ms(at))


@pytest.fixture(scope="module")
def paper(django_db_setup, django_db_blocker):
    """One public publication with its PDF, built once for the module."""
    with rolled_back_after_module(django_db_blocker):
        index = make_index(HomePage.objects.get())
        yield make_publication(index, title="Recruitment fees in Nepal", pdf=make_document())


@pytest.fixture
def index(paper):
    return PublicationIndexPage.objects.get(pk=paper.get_parent().pk)


def test_a_browser_viewing_and_downloading_is_counted_after_the_request_without_a_write_in_it(client, paper):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(paper.url, HTTP_USER_AGENT=BROWSER).status_code == 200
    assert not [q for q in queries.captured_queries if "usage_" in q["sql"]], "the request wrote usage itself"
    assert UsageVisit.objects.count() == 0
    response = client.get(paper.pdf.url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    report = recorder.flush()
    assert (report.received, report.counted) == (2, 2)
    rows = {(v.kind, v.page_id, v.requests) for v in UsageVisit.objects.all()}
    assert rows == {(UsageKind.VIEW, paper.pk, 1), (UsageKind.DOWNLOAD, paper.pk, 1)}


def test_no_address_or_user_agent_is_stored(client, paper):
    client.get(paper.url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.99")
    recorder.flush()
    visit = UsageVisit.objects.get()
    stored = " ".join(str(value) for value in UsageVisit.objects.values_list().get())
    assert "203.0.113.99" not in stored and "Chrome" not in stored
    assert len(visit.visitor) == 64


@pytest.mark.parametrize("agent", ROBOTS)
def test_robots_and_machines_on_the_counter_list_are_not_counted(client, paper, agent):
    client.get(paper.url, HTTP_USER_AGENT=agent)
    client.get(paper.pdf.url, HTTP_USER_AGENT=agent)
    report = recorder.flush()
    assert report.robots == 2
    assert UsageVisit.objects.count() == 0


def test_double_clicks_within_30_seconds_count_once_across_batches(paper):
    start = noon()
    count_events([view(paper, start), view(paper, start + datetime.timedelta(seconds=10))], now=start)
    assert UsageVisit.objects.get().requests == 1
    # A later batch (another flush, another process) still merges with the stored click.
    count_events([view(paper, start + datetime.timedelta(seconds=35))], now=start)
    assert UsageVisit.objects.get().requests == 1, "35 s after the first but 25 s after the last: a double click"
    count_events([view(paper, start + datetime.timedelta(seconds=70))], now=start)
    assert UsageVisit.objects.get().requests == 2
    count_events(
        [view(paper, start + datetime.timedelta(seconds=200)), view(paper, start + datetime.timedelta(seconds=300))],
        now=start,
    )
    assert UsageVisit.objects.get().requests == 4


def test_two_visitors_are_two_unique_requests(paper):
    start = noon()
    count_events(
        [
            view(paper, start, ip="198.51.100.7"),
            view(paper, start, ip="198.51.100.8"),
            view(paper, start, ip="198.51.100.8", agent=BROWSER + " Firefox"),  # same address, another browser
        ],
        now=start,
    )
    assert UsageVisit.objects.count() == 3
    assert sum(UsageVisit.objects.values_list("requests", flat=True)) == 3


def test_a_day_boundary_makes_two_days_with_unlinkable_visitors_then_rolls_up(paper):
    late = datetime.datetime(2026, 3, 10, 23, 59, 50, tzinfo=ZONE)
    early = late + datetime.timedelta(seconds=20)
    assert local_day(ms(late)) != local_day(ms(early))
    count_events([view(paper, late)], now=late)
    count_events([view(paper, early)], now=early)
    first, second = UsageVisit.objects.order_by("day")
    assert (first.day, second.day) == (datetime.date(2026, 3, 10), datetime.date(2026, 3, 11))
    assert first.visitor != second.visitor, "a day's salt must not link the visitor to the next day"
    assert first.requests == second.requests == 1

    # Ten minutes after midnight the finished day is rolled up and its salt discarded.
    assert roll_up(early) == []
    assert roll_up(late + datetime.timedelta(minutes=11)) == [datetime.date(2026, 3, 10)]
    assert list(DailyUsage.objects.values_list("day", "kind", "total", "visitors")) == [
        (datetime.date(2026, 3, 10), UsageKind.VIEW, 1, 1)
    ]
    assert list(UsageVisit.objects.values_list("day", flat=True)) == [datetime.date(2026, 3, 11)]
    assert list(UsageSalt.objects.values_list("day", flat=True)) == [datetime.date(2026, 3, 11)]
    # Rolling up again adds nothing.
    assert roll_up(late + datetime.timedelta(minutes=12)) == []
    assert DailyUsage.objects.get().total == 1


def test_events_for_a_day_whose_salt_is_gone_are_not_counted_under_a_new_one(paper):
    now = noon()
    yesterday = now - datetime.timedelta(days=1)
    report = count_events([view(paper, yesterday)], now=now)
    assert report.too_late == 1
    assert not UsageSalt.objects.filter(day=yesterday.date()).exists()


def test_private_draft_and_embargoed_publications_are_neither_served_nor_counted(client, index):
    private = make_publication(index, title="Private paper", pdf=make_document(name="private.pdf"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    draft = make_publication(index, title="Draft paper", live=False, pdf=make_document(name="draft.pdf"))
    embargoed = make_publication(
        index,
        title="Embargoed paper",
        pdf=make_document(name="embargoed.pdf"),
        embargo_until=datetime.date.today() + datetime.timedelta(days=30),
    )
    agent = {"HTTP_USER_AGENT": BROWSER}
    assert client.get(private.url, **agent).status_code == 200  # the password form, not the paper
    assert b"Private paper" not in client.get(private.url, **agent).content.split(b"</title>")[1]
    assert client.get(private.pdf.url, **agent).status_code == 404
    assert client.get(draft.pdf.url, **agent).status_code == 404
    assert client.get("/publications/draft-paper/", **agent).status_code == 404
    assert client.get(embargoed.pdf.url, **agent).status_code == 403
    assert client.get(embargoed.url, **agent).status_code == 200  # its metadata is public: that view counts
    report = recorder.flush()
    assert list(UsageVisit.objects.values_list("page_id", "kind")) == [(embargoed.pk, UsageKind.VIEW)]
    assert report.not_public == report.received - 1
    # Asked directly (a forged event), the private and draft pages are still not counted.
    assert count_events([view(private, noon()), view(draft, noon())], now=noon()).not_public == 2


def test_a_range_request_after_the_first_bytes_is_not_another_download(client, paper):
    client.get(paper.pdf.url, HTTP_USER_AGENT=BROWSER, HTTP_RANGE="bytes=0-1023")
    client.get(paper.pdf.url, HTTP_USER_AGENT=BROWSER, HTTP_RANGE="bytes=1024-2047")
    assert len(recorder.take_queued()) == 1


def test_counting_switched_off_queues_nothing(client, paper, settings):
    settings.USAGE_COUNTING = False
    client.get(paper.url, HTTP_USER_AGENT=BROWSER)
    assert recorder.take_queued() == []


def test_a_full_queue_drops_new_events_instead_of_growing(client, paper, settings):
    settings.USAGE_QUEUE_MAX = 2
    for _ in range(5):
        client.get(paper.url, HTTP_USER_AGENT=BROWSER)
    assert len(recorder.take_queued()) == 2
    assert recorder._state.dropped >= 3
