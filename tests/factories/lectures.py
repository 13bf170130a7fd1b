"""Factories for the lectures app: speakers, series, the lecture index and lecture pages, registrants."""

import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from lectures.models import LectureIndexPage, LecturePage, LectureSeries, LectureSpeaker, Speaker
from lectures.services import RegistrantDetails

_numbers = itertools.count(1)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    affiliation = "Institute of Labour Mobility"
    bio = "Works on labour migration in South Asia."


class LectureSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LectureSeries

    name = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


def lecture_index(parent=None) -> LectureIndexPage:
    """The lecture list under the home page (created once)."""
    from salam.models import HomePage

    parent = parent or HomePage.objects.get()
    index = LectureIndexPage.objects.child_of(parent).first()
    if index is None:
        index = LectureIndexPage(title="Lectures", slug="lectures")
        parent.add_child(instance=index)
    return index


def make_lecture(index=None, *, publish_revision: bool = False, speakers=(), **fields) -> LecturePage:
    """A lecture a week from now in Dhaka with 50 seats; fields override; live unless live=False."""
    number = next(_numbers)
    start = fields.pop("start", timezone.now() + timedelta(days=7)).replace(microsecond=0)
    values = {
        "title": f"Lecture {number}",
        "slug": f"lecture-{number}",
        "abstract": "Recruitment fees paid by workers from Nepal.\n\nA second paragraph.",
        "start": start,
        "end": start + timedelta(hours=2),
        "timezone": "Asia/Dhaka",
        "venue": "Seminar room, Dhaka",
        "capacity": 50,
    }
    values.update(fields)
    lecture = LecturePage(**values)
    for order, speaker in enumerate(speakers):
        lecture.lecture_speakers.add(LectureSpeaker(speaker=speaker, sort_order=order))
    (index or lecture_index()).add_child(instance=lecture)
    if publish_revision:
        lecture.save_revision().publish()
        lecture.refresh_from_db()
    return lecture


def details(**overrides) -> RegistrantDetails:
    """A registrant with consent and a unique email address."""
    number = next(_numbers)
    values = {
        "name": f"Person {number}",
        "email": f"person{number}@example.org",
        "role": "researcher",
        "organisation": "Tribhuvan University",
        "country": "NP",
        "consent": True,
    }
    values.update(overrides)
    return RegistrantDetails(**values)


def form_data(**overrides) -> dict:
    """POST data of the public registration form."""
    number = next(_numbers)
    data = {
        "name": f"Visitor {number}",
        "email": f"visitor{number}@example.org",
        "organisation": "",
        "country": "BD",
        "role": "policymaker",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
