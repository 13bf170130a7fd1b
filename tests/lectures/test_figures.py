"""The home page's lecture figures: registrations and attendance at held, live, public lectures."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lectures.models import Registration, RegistrationStatus
from lectures.services import attendance_figures
from tests.factories.lectures import make_lecture

pytestmark = pytest.mark.django_db
CONFIRMED, WAITING, CANCELLED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.CANCELLED


def _register(lecture, status, *, came: bool = False, anonymised: bool = False) -> Registration:
    now = timezone.now()
    number = Registration.objects.count() + 1
    return Registration.objects.create(
        lecture=lecture,
        status=status,
        name="" if anonymised else f"Person {number}",
        email="" if anonymised else f"person{number}@example.org",
        role="researcher",
        consent_at=now,
        confirmed_at=now if status == CONFIRMED else None,
        checked_in_at=lecture.start if came else None,
        anonymised_at=now if anonymised else None,
    )


@pytest.fixture
def registrations(site_root):
    """A held lecture with every kind of registration, and three lectures whose registrations never count."""
    from wagtail.models import PageViewRestriction

    past = timezone.now() - timedelta(days=30)
    held = make_lecture(title="Held lecture", start=past)
    for status, came, anonymised in (
        (CONFIRMED, True, False),
        (CONFIRMED, True, False),
        (CONFIRMED, False, False),
        (CONFIRMED, True, True),  # anonymised after the retention period: still counted
        (WAITING, False, False),  # never had a seat
        (CANCELLED, False, False),
    ):
        _register(held, status, came=came, anonymised=anonymised)
    upcoming = make_lecture(title="Upcoming lecture")
    draft = make_lecture(title="Draft lecture", start=past, live=False)
    private = make_lecture(title="Private lecture", start=past)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    for lecture in (upcoming, draft, private):
        _register(lecture, CONFIRMED, came=lecture is not upcoming)
    return held


def test_counts_confirmed_registrations_and_check_ins_at_held_live_public_lectures(registrations):
    figures = attendance_figures()
    assert (figures.registrations, figures.attended) == (4, 3)
    # Before the lecture was held nothing counts.
    before = attendance_figures(now=registrations.start - timedelta(days=1))
    assert (before.registrations, before.attended) == (0, 0)


@pytest.mark.elasticsearch
def test_the_home_page_shows_them_beside_the_lectures_held(client, registrations, search_index):
    html = re.sub(r">\s+<", "><", client.get("/").content.decode())
    figures = html.split('id="figures-heading"')[1].split("</section>")[0]
    assert '<span class="figure-list__number">4</span> registrations for them' in figures
    assert '<span class="figure-list__number">3</span> attended (checked in at the door)' in figures
    Registration.objects.all().delete()
    html = client.get("/").content.decode()
    assert "The evidence in figures" in html and "registrations for them" not in html
