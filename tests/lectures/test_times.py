"""Lecture times read the same everywhere: the venue's clock with a readable zone ("16:00 Dhaka time").

The server's zone (settings.TIME_ZONE, Asia/Kathmandu, 15 minutes off Dhaka) must never show
through: not on the home page, the lecture list, the lecture page, in emails or calendar files.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from lectures import calendar, services
from lectures.times import readable_zone, venue_time_text
from tests.factories.lectures import details, lecture_index, make_lecture

DHAKA = ZoneInfo("Asia/Dhaka")


def four_pm_in_dhaka(days: int = 10) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(DHAKA).date()
    return datetime(day.year, day.month, day.day, 16, 0, tzinfo=DHAKA)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Dhaka", "Dhaka time"),
        ("Asia/Ho_Chi_Minh", "Ho Chi Minh time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("UTC", "UTC"),
        ("Etc/GMT-6", "UTC+06:00"),
        ("Etc/GMT+5", "UTC-05:00"),
    ],
)
def test_zones_are_named_as_people_say_them(zone, expected):
    assert readable_zone(zone, datetime(2026, 3, 5, 10, 0, tzinfo=UTC)) == expected


def test_text_for_emails_and_calendars():
    start = datetime(2026, 3, 5, 16, 0, tzinfo=DHAKA)
    assert venue_time_text(start, "Asia/Dhaka") == "Thu 5 March 2026, 16:00 Dhaka time"
    assert venue_time_text(start, "Asia/Dhaka", start + timedelta(minutes=90)) == (
        "Thu 5 March 2026, 16:00 to 17:30 Dhaka time"
    )
    late = datetime(2026, 3, 5, 23, 0, tzinfo=DHAKA)
    assert venue_time_text(late, "Asia/Dhaka", late + timedelta(hours=2)) == (
        "Thu 5 March 2026, 23:00 to Fri 6 March 2026, 01:00 Dhaka time"
    )
    # Given in another zone (as the database returns it), still read on the venue's clock.
    assert venue_time_text(start.astimezone(UTC), "Asia/Dhaka") == "Thu 5 March 2026, 16:00 Dhaka time"


@pytest.mark.django_db
class TestEverywhere:
    @pytest.fixture
    def lecture(self, site_root):
        start = four_pm_in_dhaka()
        return make_lecture(
            title="Recruitment fees", timezone="Asia/Dhaka", start=start, end=start + timedelta(minutes=90), online=True
        )

    def test_home_list_and_lecture_page_show_the_venue_clock(self, client, lecture):
        for url in ("/", lecture_index().url, lecture.url):
            html = client.get(url).content.decode()
            assert re.search(
                r">\w{3} \d{1,2} \w+ \d{4}, 16:00</time>(?: to <time[^>]*>17:30</time>)? Dhaka time", html
            ), url
            assert "15:45" not in html and "+0545" not in html, url  # the server's zone (Kathmandu)
            assert f'datetime="{lecture.start.astimezone(DHAKA).isoformat()}"' in html, url
            assert "lectures/local_times" in html, url  # the visitor's own time is added by script

    def test_the_lecture_page_gives_the_end_too(self, client, lecture):
        html = client.get(lecture.url).content.decode()
        assert re.search(r"16:00</time> to <time datetime=\"[^\"]+\">17:30</time> Dhaka time", html)

    def test_emails_and_calendars(self, client, lecture, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.register(lecture.pk, details())
        [message] = mail.outbox
        assert "16:00 to 17:30 Dhaka time" in message.body
        assert "16:00 to 17:30 Dhaka time" in message.alternatives[0][0]
        assert "Asia/Dhaka" not in message.body and "15:45" not in message.body
        (_name, content, _type) = message.attachments[0]
        for ics in (content, client.get(f"/lectures/{lecture.pk}/calendar.ics").content):
            [event] = calendar.parse(ics if isinstance(ics, bytes) else ics.encode()).events
            assert "When: " in str(event["DESCRIPTION"]) and "16:00 to 17:30 Dhaka time" in str(event["DESCRIPTION"])

    def test_registration_messages(self, client, site_root):
        lecture = make_lecture(timezone="Asia/Dhaka", registration_opens=four_pm_in_dhaka(days=2))
        html = client.get(lecture.url).content.decode()
        assert re.search(r"Registration opens on \w{3} \d{1,2} \w+ \d{4}, 16:00 Dhaka time\.", html)
