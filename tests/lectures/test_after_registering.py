"""What a person sees and reads once registered or on the waiting list (issue 12, item 15)."""

import pytest
from django.core import mail
from django.urls import reverse

from lectures import services
from lectures.forms import consent_text
from lectures.tokens import make_token
from tests.factories.lectures import details, form_data, make_lecture

pytestmark = pytest.mark.django_db


def register(client, lecture, **fields):
    url = reverse("lectures:register", args=[lecture.pk])
    return client.post(url, {**form_data(**fields), "next": lecture.url}, follow=True).content.decode()


def box(html: str) -> str:
    """The registration box of a lecture page."""
    start = html.index('id="registration"')
    return html[start : html.index("</aside>", start)]


def test_after_registering_the_form_is_not_shown_again(client, site_root, django_capture_on_commit_callbacks):
    lecture = make_lecture()
    with django_capture_on_commit_callbacks(execute=True):
        html = box(register(client, lecture, email="asha@example.org"))
    assert "You are registered" in html
    assert 'name="consent"' not in html and "seats left" not in html
    assert f'href="{lecture.url}#registration">Register someone else</a>' in html
    # Following that link (or reloading) offers the form again, for someone else.
    again = box(client.get(f"{lecture.url}?registered=confirmed").content.decode())
    assert 'name="consent"' in again


def test_the_waiting_list_outcome_is_not_followed_by_an_invitation_to_join_it(
    client, site_root, django_capture_on_commit_callbacks
):
    lecture = make_lecture(capacity=1)
    services.register(lecture.pk, details(email="first@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        html = box(register(client, lecture, email="second@example.org"))
    assert "you are on the waiting list (position 1)" in html
    assert "Register to join the waiting list" not in html and 'name="consent"' not in html
    # Someone else still sees the full lecture and the waiting list offered.
    other = box(client.get(lecture.url).content.decode())
    assert "Register to join the waiting list" in other and 'name="consent"' in other


def test_the_waiting_list_email_does_not_promise_a_seat(site_root, django_capture_on_commit_callbacks):
    lecture = make_lecture(capacity=1)
    services.register(lecture.pk, details(email="first@example.org"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(lecture.pk, details(email="second@example.org"))
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "your seat" not in text.lower()
        assert "Leave the waiting list" in text
    assert "/lectures/registration/cancel/" in message.body


def test_leaving_the_waiting_list_does_not_speak_of_a_seat(client, site_root, django_capture_on_commit_callbacks):
    lecture = make_lecture(capacity=1)
    services.register(lecture.pk, details(email="first@example.org"))
    waiting = services.register(lecture.pk, details(email="second@example.org")).registration
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(f"/lectures/registration/cancel/{make_token(waiting.pk, waiting.email)}/").content.decode()
    assert "You have left the waiting list" in html and "your seat" not in html


@pytest.mark.parametrize(("days", "expected"), [(90, "90 days after"), (30, "30 days after"), (1, "1 day after")])
def test_the_consent_states_the_real_retention_period(client, site_root, settings, days, expected):
    settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS = days
    html = client.get(make_lecture().url).content.decode()
    assert f"deletes them {expected} the lecture." in html
    assert consent_text() in html


def test_consent_text_without_a_delay():
    assert consent_text(0).endswith("deletes them after the lecture.")
