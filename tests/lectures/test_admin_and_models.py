"""Organisers' admin views, lecture rules, transcripts, recordings, commands and the demo content."""

import csv
import io
import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from lectures import services
from lectures.admin_forms import LecturePageForm
from lectures.demo import create_demo
from lectures.models import LecturePage, LectureState, Registration
from lectures.recordings import media_kind, parse_external_video
from lectures.signals import transcript_changed
from lectures.transcripts import TranscriptFormatError, parse_transcript, segments_to_vtt
from salam.content import text_changed
from tests.factories.lectures import details, make_lecture

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, site_root):
    user = get_user_model().objects.create_superuser("organiser", "organiser@example.org", "pw")
    client.force_login(user)
    return client


class TestOrganiserAdmin:
    def test_registrations_view_shows_counts_and_seats_left(self, admin_client):
        lecture = make_lecture(capacity=2)
        for _ in range(3):
            services.register(lecture.pk, details())
        response = admin_client.get(f"/admin/lectures/{lecture.pk}/registrations/")
        assert response.status_code == 200
        assert response.context["counts"] == {
            "confirmed": 2, "waiting": 1, "cancelled": 0, "checked_in": 0, "seats_left": 0,
        }  # fmt: skip
        assert admin_client.get("/admin/lectures/").status_code == 200

    def test_check_in_close_and_cancel_actions(self, admin_client, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=1)
        holder = services.register(lecture.pk, details()).registration
        waiting = services.register(lecture.pk, details()).registration
        url = f"/admin/lectures/{lecture.pk}/registrations/action/"
        admin_client.post(url, {"action": "check_in", "registration": holder.pk})
        assert Registration.objects.get(pk=holder.pk).checked_in_at is not None
        admin_client.post(url, {"action": "undo_check_in", "registration": holder.pk})
        assert Registration.objects.get(pk=holder.pk).checked_in_at is None
        admin_client.post(url, {"action": "close"})
        assert LectureState.objects.get(lecture=lecture).registration_closed_at is not None
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url, {"action": "cancel", "registration": holder.pk})
        assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
        assert [m.to for m in mail.outbox] == [[waiting.email]]

    @pytest.mark.parametrize(
        "data",
        [
            {"action": "check_in", "registration": "abc"},
            {"action": "check_in", "registration": "999999"},
            {"action": "explode", "registration": "1"},
        ],
    )
    def test_bad_actions_change_nothing(self, admin_client, data):
        lecture = make_lecture()
        registration = services.register(lecture.pk, details()).registration
        response = admin_client.post(f"/admin/lectures/{lecture.pk}/registrations/action/", data, follow=True)
        assert response.status_code == 200
        assert Registration.objects.get(pk=registration.pk).checked_in_at is None
        assert any(m.level_tag == "error" for m in response.context["messages"])

    def test_csv_export_neutralises_formulas(self, admin_client):
        lecture = make_lecture()
        services.register(lecture.pk, details(name='=HYPERLINK("http://evil")', organisation="@SUM(A1)"))
        response = admin_client.get(f"/admin/lectures/{lecture.pk}/registrations.csv")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1
        assert rows[0]["name"].startswith("'=") and rows[0]["organisation"] == "'@SUM(A1)"
        assert rows[0]["status"] == "confirmed"

    def test_email_form_validates_and_sends(self, admin_client, django_capture_on_commit_callbacks):
        lecture = make_lecture()
        services.register(lecture.pk, details())
        url = f"/admin/lectures/{lecture.pk}/email/"
        bad = admin_client.post(url, {"audience": "everyone-on-earth", "subject": "", "body": ""})
        assert bad.status_code == 400 and not mail.outbox
        with django_capture_on_commit_callbacks(execute=True):
            good = admin_client.post(url, {"audience": "confirmed", "subject": "Slides", "body": "Here they are."})
        assert good.status_code == 302
        assert [m.subject for m in mail.outbox] == ["Slides"]

    def test_staff_screens_show_the_venue_time(self, admin_client):
        # 15:00 in Colombo (+05:30) is 15:15 in Kathmandu (+05:45), the server's zone.
        colombo = zoneinfo.ZoneInfo("Asia/Colombo")
        start = datetime(2031, 3, 4, 15, 0, tzinfo=colombo)
        lecture = make_lecture(start=start, timezone="Asia/Colombo", venue="Colombo")
        for url in ("/admin/lectures/", f"/admin/lectures/{lecture.pk}/registrations/"):
            text = re.sub(r"<[^>]+>", "", admin_client.get(url).content.decode())  # what staff read
            assert "15:00 Colombo time" in text, url  # the way every public page writes it
            assert "15:15" not in text, url

    def test_the_registrations_menu_is_only_for_people_who_can_edit_a_lecture(self, client, admin_client):
        from django.contrib.auth.models import Group, Permission

        make_lecture()
        assert "Lecture registrations" in admin_client.get("/admin/").content.decode()
        user = get_user_model().objects.create_user("researcher", "researcher@example.org", "pw")
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(group)
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 200
        assert "Lecture registrations" not in response.content.decode()

    def test_people_who_cannot_edit_the_lecture_are_refused(self, client, site_root):
        from django.contrib.auth.models import Group, Permission

        user = get_user_model().objects.create_user("reader", "reader@example.org", "pw")
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(group)
        client.force_login(user)
        lecture = make_lecture()
        base = f"/admin/lectures/{lecture.pk}"
        # Wagtail turns PermissionDenied in admin views into a redirect to the dashboard with a message.
        for response in [
            client.get(f"{base}/registrations/"),
            client.get(f"{base}/registrations.csv"),
            client.post(f"{base}/registrations/action/", {"action": "close"}),
        ]:
            assert response.status_code in {302, 403}
            assert response.get("Location", "/admin/") == "/admin/"
        assert not LectureState.objects.filter(lecture=lecture, registration_closed_at__isnull=False).exists()


class TestLectureRules:
    def test_clean_reports_each_problem(self, site_root):
        lecture = make_lecture()
        lecture.end = lecture.start - timedelta(hours=1)
        lecture.venue = ""
        lecture.online = False
        lecture.joining_link = "https://meet.example.org/x"
        lecture.timezone = "Mars/Olympus_Mons"
        lecture.transcript = "[00:00:05] fine\n[1:2:3:4] broken"
        with pytest.raises(ValidationError) as error:
            lecture.clean()
        assert set(error.value.message_dict) >= {"end", "venue", "joining_link", "timezone", "transcript"}

    def test_admin_form_reads_times_in_the_venue_zone(self, site_root):
        lecture = make_lecture(timezone="Asia/Dhaka")
        form_class = LecturePage.get_edit_handler().get_form_class()
        assert issubclass(form_class, LecturePageForm)
        form = form_class(instance=lecture, for_user=None, parent_page=lecture.get_parent())
        assert form.initial["start"] == lecture.start.astimezone(lecture.venue_zone).replace(tzinfo=None)

    def test_transcript_change_is_announced_after_commit(self, site_root, django_capture_on_commit_callbacks):
        seen = []

        def listener(sender, page, signal, **kwargs):
            seen.append((signal, sender, page.pk, page.transcript))

        transcript_changed.connect(listener)
        text_changed.connect(listener)  # the contract's signal, which the tagger and the index follow
        try:
            lecture = make_lecture()
            with django_capture_on_commit_callbacks(execute=True):
                lecture.abstract = "Only the abstract changed."
                lecture.save()
            assert seen == []
            with django_capture_on_commit_callbacks(execute=True):
                lecture.transcript = "[00:00:01] Hello."
                lecture.save()
            expected = [
                (signal, LecturePage, lecture.pk, "[00:00:01] Hello.") for signal in (transcript_changed, text_changed)
            ]
            assert seen == expected
        finally:
            transcript_changed.disconnect(listener)
            text_changed.disconnect(listener)


class TestTranscriptsAndRecordings:
    def test_bracketed_transcript(self):
        text = "[00:00:05] Welcome.\ncontinued here\n\n[01:02:03] Late.\n[7:05] Short form."
        assert parse_transcript(text) == [(5, "Welcome. continued here"), (3723, "Late."), (425, "Short form.")]
        with pytest.raises(TranscriptFormatError, match="Line 2"):
            parse_transcript("[00:00:01] ok\n[00:99:00] bad", strict=True)
        assert parse_transcript("") == []

    def test_webvtt_round_trip(self):
        vtt = (
            "WEBVTT\n\n1\n00:00:02.000 --> 00:00:04.000\n<v Speaker>Hello there\n\n00:01:00.500 --> 00:01:03.000\nNext"
        )
        segments = parse_transcript(vtt)
        assert segments == [(2, "Hello there"), (60, "Next")]
        assert parse_transcript(segments_to_vtt(segments)) == segments

    @pytest.mark.parametrize(
        ("url", "provider", "video_id"),
        [
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=x", "YouTube", "dQw4w9WgXcQ"),
            ("https://youtu.be/dQw4w9WgXcQ", "YouTube", "dQw4w9WgXcQ"),
            ("https://vimeo.com/76979871", "Vimeo", "76979871"),
            ("https://example.org/video.mp4", None, None),
            ("javascript:alert(1)", None, None),
            ("https://www.youtube.com/watch?v=short", None, None),
        ],
    )
    def test_external_video_recognition(self, url, provider, video_id):
        video = parse_external_video(url)
        assert (video.provider, video.video_id) == (provider, video_id) if provider else video is None

    def test_media_kind(self):
        assert media_kind("talk.MP4") == ("video", "video/mp4")
        assert media_kind("talk.mp3") == ("audio", "audio/mpeg")
        assert media_kind("talk.exe") is None


class TestCommands:
    def test_purge_command_with_progress_and_bad_arguments(self, site_root, settings):
        settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS = 0
        lecture = make_lecture(start=timezone.now() + timedelta(hours=1))
        services.register(lecture.pk, details())
        LecturePage.objects.filter(pk=lecture.pk).update(
            start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=2)
        )
        out, err = io.StringIO(), io.StringIO()
        call_command("purge_lecture_registrations", "--dry-run", stdout=out, stderr=err)
        assert "1 registration(s) would be anonymised" in out.getvalue()
        assert Registration.objects.get().email
        call_command("purge_lecture_registrations", stdout=out, stderr=err)
        assert "Anonymised 1" in out.getvalue() and "100%" in err.getvalue()
        assert Registration.objects.get().email == "" and Registration.objects.get().status == "confirmed"
        with pytest.raises(CommandError, match="negative"):
            call_command("purge_lecture_registrations", "--days", "-1")

    def test_reminder_command(self, site_root):
        lecture = make_lecture(start=timezone.now() + timedelta(hours=5))
        services.register(lecture.pk, details())
        out = io.StringIO()
        call_command("send_lecture_reminders", stdout=out, stderr=io.StringIO())
        assert "Sent 1 reminder(s)" in out.getvalue() and len(mail.outbox) == 1
        call_command("send_lecture_reminders", stdout=out, stderr=io.StringIO())
        assert len(mail.outbox) == 1
        with pytest.raises(CommandError, match="between 1 and 168"):
            call_command("send_lecture_reminders", "--hours", "0")


def test_demo_content_is_created_once(site_root):
    created = create_demo(site_root)
    assert len(created) == 18
    lectures = LecturePage.objects.live()
    now = timezone.now()
    upcoming = [lecture for lecture in lectures if lecture.start > now]
    assert len(upcoming) == 6
    past = [lecture for lecture in lectures if lecture.end < now]
    complete = [lecture for lecture in past if lecture.transcript_segments() and lecture.slides]
    assert len(complete) >= 4 and sum(lecture.has_recording for lecture in complete) >= 2
    nearly_full = max(upcoming, key=lambda lecture: lecture.registrations.count())
    assert services.seats_left(nearly_full) == 2
    assert all(lecture.country_tags.exists() and lecture.theme_tags.exists() for lecture in lectures)
    assert create_demo(site_root) == []
    assert not mail.outbox
