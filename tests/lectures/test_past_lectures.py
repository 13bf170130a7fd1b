"""A past lecture's page offers what is left to do: watch, read the slides, download the transcript (item 16)."""

import wave
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from lectures.demo import create_demo
from lectures.models import LecturePage
from tests.factories.lectures import make_lecture

pytestmark = pytest.mark.django_db

CALENDAR = "Add to your calendar"


def test_a_past_lecture_does_not_offer_to_add_it_to_a_calendar(client, site_root):
    past = make_lecture(start=timezone.now() - timedelta(days=5), transcript="[00:00:05] Welcome.")
    upcoming = make_lecture(start=timezone.now() + timedelta(days=5))
    assert CALENDAR not in client.get(past.url).content.decode()
    assert CALENDAR in client.get(upcoming.url).content.decode()


def test_the_transcript_can_be_downloaded(client, site_root):
    lecture = make_lecture(start=timezone.now() - timedelta(days=5), transcript="[00:00:05] Welcome.")
    html = client.get(lecture.url).content.decode()
    assert f'href="/lectures/{lecture.pk}/transcript.vtt" download="{lecture.slug}-transcript.vtt"' in html
    assert "Download the transcript" in html
    assert "Select a time to play" not in html  # no recording to play


def test_the_demos_past_lectures_have_a_recording_slides_and_a_transcript(client, site_root):
    create_demo(site_root)
    past = [lecture for lecture in LecturePage.objects.live() if lecture.has_ended()]
    assert len(past) == 12
    for lecture in past:
        html = client.get(lecture.url).content.decode()
        assert CALENDAR not in html, lecture.title
        if lecture.slides:
            assert f'href="{lecture.slides.url}"' in html
        if lecture.transcript:
            assert "Download the transcript" in html and lecture.transcript_segments()
    # The two with everything a past lecture can have: a recording, slides and a transcript.
    past = [
        lecture
        for lecture in past
        if lecture.slug in ("remittances-after-the-pandemic", "skills-recognition-returning-migrants")
    ]
    for lecture in past:
        html = client.get(lecture.url).content.decode()
        assert 'id="recording-heading"' in html and 'id="lecture-player"' in html, lecture.title
        assert lecture.slides and lecture.slides.file_extension == "pdf"
        with lecture.slides.file.open("rb") as slides:
            assert slides.read(5) == b"%PDF-"
        assert f'href="{lecture.slides.url}"' in html
        assert "Download the transcript" in html and lecture.transcript_segments()
        assert client.get(lecture.slides.url).status_code == 200
    # The recording on the hub lasts as long as its transcript, so every timestamp can be played.
    local = next(lecture for lecture in past if lecture.recording_file)
    with local.recording_file.open("rb") as audio, wave.open(BytesIO(audio.read())) as recording:
        seconds = recording.getnframes() / recording.getframerate()
    assert seconds > local.transcript_segments()[-1][0]
    assert f'href="{local.recording_file.url}#t=' in client.get(local.url).content.decode()
    # Loading the demo again reuses the slides instead of piling up copies.
    assert create_demo(site_root) == []
