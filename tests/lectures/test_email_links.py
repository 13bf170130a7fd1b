"""Links in registrants' emails and calendar files lead to the hub at its public address.

The public address is settings.WAGTAILADMIN_BASE_URL (e.g. http://127.0.0.1:8000 on `make run`);
the Wagtail Site record that migrations create says localhost port 80 and must not win.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from lectures import calendar, emails, services
from lectures.models import Registration, RegistrationStatus
from tests.factories.lectures import details, make_lecture

pytestmark = pytest.mark.django_db

PUBLIC = "http://127.0.0.1:8000"
JOINING_LINK = "https://meet.example.org/room-42"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.WAGTAILADMIN_BASE_URL = PUBLIC


def links_in(message) -> list[str]:
    """Every http(s) address in an email's text, its HTML and its calendar invitation."""
    html = message.alternatives[0][0]
    found = re.findall(r"https?://[^\s<>\"]+", message.body)
    found += re.findall(r'href="([^"]+)"', html)
    for _name, content, _type in message.attachments:
        parsed = calendar.parse(content if isinstance(content, bytes) else content.encode())
        found += [str(event["URL"]) for event in parsed.events]
        found += re.findall(r"https?://\S+", " ".join(str(event["DESCRIPTION"]) for event in parsed.events))
    return [link for link in found if link != JOINING_LINK]


def assert_public(link: str) -> str:
    """Check a link's scheme, host and port and return the path to follow."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", 8000), link
    return parts.path


def test_following_the_links_of_a_confirmation(client, site_root, django_capture_on_commit_callbacks):
    lecture = make_lecture(title="Recruitment fees in Nepal", online=True, joining_link=JOINING_LINK)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(lecture.pk, details(name="Mina Karki")).registration
    [message] = mail.outbox
    links = links_in(message)
    assert len(links) >= 4  # the lecture in text and HTML, the cancel link in both, the invitation
    paths = {assert_public(link) for link in links}
    assert paths == {lecture.url, next(path for path in paths if "/cancel/" in path)}

    page = client.get(lecture.url)
    assert page.status_code == 200 and "Recruitment fees in Nepal" in page.content.decode()
    cancel_path = next(path for path in paths if "/cancel/" in path)
    asked = client.get(cancel_path)
    assert asked.status_code == 200 and "Mina Karki" in asked.content.decode()
    client.post(cancel_path)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED


def test_following_the_delete_link_after_the_lecture(client, site_root):
    lecture = make_lecture(start=timezone.now() + timedelta(hours=1))
    registration = services.register(lecture.pk, details()).registration
    lecture.start, lecture.end = timezone.now() - timedelta(hours=3), timezone.now() - timedelta(hours=1)
    lecture.recording_url = "https://youtu.be/dQw4w9WgXcQ"
    lecture.save()
    message = emails.build_email(Registration.objects.get(pk=registration.pk), "recording")
    paths = [assert_public(link) for link in links_in(message)]
    forget_path = next(path for path in paths if "/forget/" in path)
    assert client.get(forget_path).status_code == 200
    client.post(forget_path)
    assert Registration.objects.get(pk=registration.pk).anonymised_at is not None


def test_calendar_files_link_to_the_public_address(client, site_root):
    lecture = make_lecture(title="Remittances")
    for url in ("/lectures/feed.ics", f"/lectures/{lecture.pk}/calendar.ics"):
        [event] = calendar.parse(client.get(url).content).events
        assert assert_public(str(event["URL"])) == lecture.url
