"""Registration workflows: seats, the waiting list, signed links, and the emails each step sends."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import transaction
from django.utils import timezone

from lectures import calendar, services
from lectures.exceptions import RegistrationError
from lectures.models import LectureState, Registration, RegistrationStatus
from lectures.services import Outcome
from lectures.tokens import CANCEL_SALT, make_token
from tests.factories.lectures import details, make_lecture

pytestmark = pytest.mark.django_db


def invitation_of(message) -> tuple:
    """The parsed calendar attached to an email and its MIME type."""
    (_name, content, mimetype) = next(a for a in message.attachments if a[0].endswith(".ics"))
    return calendar.parse(content if isinstance(content, bytes) else content.encode()), mimetype


class TestRegister:
    def test_confirms_until_full_then_waits(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=2)
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = [services.register(lecture.pk, details()).outcome for _ in range(4)]
        assert outcomes == [Outcome.CONFIRMED, Outcome.CONFIRMED, Outcome.WAITING, Outcome.WAITING]
        assert services.seats_left(lecture) == 0
        assert Registration.objects.filter(lecture=lecture, status="waiting").count() == 2
        subjects = [m.subject for m in mail.outbox]
        assert sum(s.startswith("You are registered") for s in subjects) == 2
        assert sum(s.startswith("You are on the waiting list") for s in subjects) == 2

    def test_confirmation_has_a_valid_invitation_with_the_joining_link(
        self, site_root, django_capture_on_commit_callbacks
    ):
        lecture = make_lecture(online=True, joining_link="https://meet.example.org/secret-room", timezone="Asia/Dhaka")
        with django_capture_on_commit_callbacks(execute=True):
            services.register(lecture.pk, details(email="Nila@Example.org", name="Nila Das"))
        (message,) = mail.outbox
        assert message.to == ["nila@example.org"]
        assert "https://meet.example.org/secret-room" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and "Nila Das" in html and "/lectures/registration/cancel/" in html
        parsed, ics_type = invitation_of(message)
        assert "method=REQUEST" in ics_type
        assert parsed["METHOD"] == "REQUEST"
        (event,) = parsed.events
        assert str(event["UID"]) == calendar.invitation_uid(lecture)
        assert event.start == lecture.start and str(event.start.tzinfo) == "Asia/Dhaka"
        assert event.end == lecture.end
        assert "mailto:nila@example.org" in str(event["ATTENDEE"])
        assert "secret-room" in str(event["DESCRIPTION"])
        assert parsed.walk("VTIMEZONE"), "the venue's zone travels with the invitation"

    def test_waiting_list_email_has_no_joining_link_and_no_invitation(
        self, site_root, django_capture_on_commit_callbacks
    ):
        lecture = make_lecture(capacity=1, online=True, joining_link="https://meet.example.org/secret-room")
        services.register(lecture.pk, details())
        with django_capture_on_commit_callbacks(execute=True):
            result = services.register(lecture.pk, details())
        assert result.outcome == Outcome.WAITING and result.waiting_position == 1
        (message,) = mail.outbox
        assert "secret-room" not in message.body and "position 1" in message.body
        assert not message.attachments

    def test_same_email_twice_resends_without_duplicate(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture()
        with django_capture_on_commit_callbacks(execute=True):
            first = services.register(lecture.pk, details(email="rita@example.org"))
            second = services.register(lecture.pk, details(email=" RITA@example.org ", name="Someone Else"))
        assert second.outcome == Outcome.ALREADY_CONFIRMED
        assert second.registration.pk == first.registration.pk
        assert Registration.objects.filter(lecture=lecture).count() == 1
        assert Registration.objects.get().name == first.registration.name  # the second form changed nothing
        assert len(mail.outbox) == 2 and all(m.subject.startswith("You are registered") for m in mail.outbox)

    def test_registering_after_cancelling_reuses_the_row(self, site_root):
        lecture = make_lecture()
        first = services.register(lecture.pk, details(email="a@example.org")).registration
        services.cancel(first.pk)
        again = services.register(lecture.pk, details(email="a@example.org", name="New Name", organisation="ILO"))
        assert again.outcome == Outcome.CONFIRMED and again.registration.pk == first.pk
        stored = Registration.objects.get()
        assert stored.cancelled_at is None and (stored.name, stored.organisation) == ("New Name", "ILO")
        assert stored.created_at == first.created_at

    def test_waiting_position_counts_the_people_ahead(self, site_root):
        lecture = make_lecture(capacity=1)
        services.register(lecture.pk, details())
        positions = [services.register(lecture.pk, details()).waiting_position for _ in range(3)]
        assert positions == [1, 2, 3]
        last = Registration.objects.filter(status="waiting").order_by("waiting_since", "pk").last()
        assert services.waiting_position(last) == 3

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"status": "cancelled"}, "lecture_cancelled"),
            ({"status": "postponed"}, "lecture_postponed"),
            ({"start": timezone.now() - timedelta(hours=1)}, "lecture_started"),
            ({"registration_opens": timezone.now() + timedelta(days=1)}, "not_open_yet"),
            ({"registration_closes": timezone.now() - timedelta(minutes=1)}, "closed"),
            ({"live": False}, "lecture_not_found"),
        ],
    )
    def test_refuses_with_a_reason_and_changes_nothing(self, site_root, fields, code):
        lecture = make_lecture(**fields)
        with pytest.raises(RegistrationError) as error:
            services.register(lecture.pk, details())
        assert error.value.code == code and error.value.message
        assert not Registration.objects.exists()
        assert not mail.outbox

    def test_organiser_closing_registration_blocks_it(self, site_root):
        lecture = make_lecture()
        services.set_registration_closed(lecture.pk, True)
        with pytest.raises(RegistrationError, match="organisers have closed"):
            services.register(lecture.pk, details())
        services.set_registration_closed(lecture.pk, False)
        assert services.register(lecture.pk, details()).outcome == Outcome.CONFIRMED

    def test_missing_consent_and_bad_details_change_nothing(self, site_root):
        lecture = make_lecture()
        with pytest.raises(RegistrationError) as error:
            services.register(lecture.pk, details(consent=False))
        assert error.value.code == "consent_missing"
        with pytest.raises(RegistrationError, match="email"):
            services.register(lecture.pk, details(email="not-an-address"))
        with pytest.raises(RegistrationError, match="name"):
            services.register(lecture.pk, details(name="x" * 10_000))
        with pytest.raises(RegistrationError, match="country"):
            services.register(lecture.pk, details(country="XX"))
        with pytest.raises(RegistrationError) as error:
            services.register(987654, details())
        assert error.value.code == "lecture_not_found"
        assert not Registration.objects.exists()

    def test_a_rollback_sends_nothing(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture()
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            services.register(lecture.pk, details())
            raise RuntimeError("something later in the same transaction failed")
        assert not Registration.objects.exists()
        assert mail.outbox == []


class TestCancelAndPromote:
    def test_cancelling_a_seat_promotes_the_first_waiting_in_order(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=1, online=True, joining_link="https://meet.example.org/room")
        holder = services.register(lecture.pk, details()).registration
        waiting = [services.register(lecture.pk, details()).registration for _ in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            promoted = services.cancel(holder.pk)
        assert promoted == [waiting[0].pk]
        statuses = dict(Registration.objects.values_list("pk", "status"))
        assert statuses[holder.pk] == "cancelled"
        assert [statuses[r.pk] for r in waiting] == ["confirmed", "waiting", "waiting"]
        (message,) = mail.outbox
        assert message.to == [waiting[0].email] and message.subject.startswith("A seat has become free")
        assert "https://meet.example.org/room" in message.body
        parsed, _ = invitation_of(message)
        assert parsed["METHOD"] == "REQUEST"
        second = Registration.objects.get(pk=waiting[1].pk)
        assert services.waiting_position(second) == 1

    def test_cancelling_a_waiting_place_promotes_nobody(self, site_root):
        lecture = make_lecture(capacity=1)
        services.register(lecture.pk, details())
        waiting = services.register(lecture.pk, details()).registration
        assert services.cancel(waiting.pk) == []
        assert services.seats_left(lecture) == 0

    def test_cancelling_twice_is_refused(self, site_root):
        registration = services.register(make_lecture().pk, details()).registration
        services.cancel(registration.pk)
        with pytest.raises(RegistrationError) as error:
            services.cancel(registration.pk)
        assert error.value.code == "already_cancelled"
        with pytest.raises(RegistrationError):
            services.cancel(123456789)

    def test_raising_capacity_promotes_on_publish(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=1, publish_revision=True)
        services.register(lecture.pk, details())
        waiting = services.register(lecture.pk, details()).registration
        lecture.capacity = 2
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
        assert [m.to for m in mail.outbox] == [[waiting.email]]

    def test_capacity_below_confirmed_seats_is_refused(self, site_root):
        lecture = make_lecture(capacity=3)
        for _ in range(3):
            services.register(lecture.pk, details())
        lecture.capacity = 2
        with pytest.raises(Exception, match="already hold confirmed seats"):
            lecture.full_clean()


class TestSignedLinks:
    def test_cancel_link_cancels_once(self, site_root):
        registration = services.register(make_lecture().pk, details()).registration
        token = make_token(registration.pk, registration.email)
        assert services.cancel_by_token(token).status == "cancelled"
        with pytest.raises(RegistrationError) as error:
            services.cancel_by_token(token)
        assert error.value.code == "already_cancelled"

    @pytest.mark.parametrize(
        "forge",
        [
            lambda r, t: t[:-3] + ("abc" if not t.endswith("abc") else "xyz"),
            lambda r, t: signing.dumps({"r": r.pk, "e": "0" * 16}, salt=CANCEL_SALT),
            lambda r, t: signing.dumps({"r": r.pk}, salt="another-purpose"),
            lambda r, t: "not-a-token",
            lambda r, t: make_token(r.pk + 1000, r.email),
        ],
    )
    def test_forged_links_change_nothing(self, site_root, forge):
        registration = services.register(make_lecture().pk, details()).registration
        token = make_token(registration.pk, registration.email)
        with pytest.raises(RegistrationError) as error:
            services.cancel_by_token(forge(registration, token))
        assert error.value.code == "link_invalid"
        assert Registration.objects.get().status == "confirmed"

    def test_link_expires_when_the_lecture_ends(self, site_root):
        lecture = make_lecture()
        registration = services.register(lecture.pk, details()).registration
        token = make_token(registration.pk, registration.email)
        with pytest.raises(RegistrationError) as error:
            services.cancel_by_token(token, now=lecture.end + timedelta(minutes=1))
        assert error.value.code == "link_expired"
        assert Registration.objects.get().status == "confirmed"


class TestNotices:
    def test_time_change_bumps_sequence_and_sends_updated_invitations(
        self, site_root, django_capture_on_commit_callbacks
    ):
        lecture = make_lecture(capacity=1, publish_revision=True)
        confirmed = services.register(lecture.pk, details()).registration
        waiting = services.register(lecture.pk, details()).registration
        assert LectureState.objects.get(lecture=lecture).ics_sequence == 0
        lecture.start += timedelta(hours=1)
        lecture.end += timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        assert LectureState.objects.get(lecture=lecture).ics_sequence == 1
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert set(by_recipient) == {confirmed.email, waiting.email}
        parsed, _ = invitation_of(by_recipient[confirmed.email])
        (event,) = parsed.events
        assert event["SEQUENCE"] == 1 and event.start == lecture.start
        assert "start time" in by_recipient[confirmed.email].body
        assert not by_recipient[waiting.email].attachments

    def test_cancellation_sends_method_cancel(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(publish_revision=True)
        services.register(lecture.pk, details())
        lecture.status = "cancelled"
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        (message,) = mail.outbox
        assert message.subject.startswith("Cancelled")
        parsed, mimetype = invitation_of(message)
        assert parsed["METHOD"] == "CANCEL" and "method=CANCEL" in mimetype
        assert parsed.events[0]["STATUS"] == "CANCELLED" and parsed.events[0]["SEQUENCE"] == 1

    def test_publishing_without_changes_sends_nothing(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(publish_revision=True)
        services.register(lecture.pk, details())
        lecture.abstract = "A clearer abstract."
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        assert mail.outbox == []
        assert LectureState.objects.get(lecture=lecture).ics_sequence == 0

    def test_reminders_go_once_to_confirmed_registrants_of_lectures_within_a_day(self, site_root):
        soon = make_lecture(start=timezone.now() + timedelta(hours=20), capacity=1)
        later = make_lecture(start=timezone.now() + timedelta(days=3))
        confirmed = services.register(soon.pk, details()).registration
        services.register(soon.pk, details())  # waiting: no reminder
        services.register(later.pk, details())  # too far ahead
        assert services.send_due_reminders() == 1
        assert services.send_due_reminders() == 0
        (message,) = mail.outbox
        assert message.to == [confirmed.email] and message.subject.startswith("Reminder")
        assert Registration.objects.get(pk=confirmed.pk).reminder_sent_at is not None

    def test_recording_notice_goes_to_those_who_opted_in_once(self, site_root, django_capture_on_commit_callbacks):
        start = timezone.now() + timedelta(days=1)
        lecture = make_lecture(start=start, publish_revision=True)
        wants = services.register(lecture.pk, details(wants_recording_notice=True)).registration
        services.register(lecture.pk, details(wants_recording_notice=False))
        lecture.start = timezone.now() - timedelta(hours=3)
        lecture.end = timezone.now() - timedelta(hours=1)
        lecture.recording_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        recording = [m for m in mail.outbox if m.subject.startswith("The recording is online")]
        assert [m.to for m in recording] == [[wants.email]]
        assert "/lectures/registration/forget/" in recording[0].body  # after the lecture: delete-my-details link
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            lecture.save_revision().publish()
        assert not [m for m in mail.outbox if m.subject.startswith("The recording")]

    def test_organiser_message_reaches_the_chosen_audience(self, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=1)
        confirmed = services.register(lecture.pk, details()).registration
        services.register(lecture.pk, details())
        with django_capture_on_commit_callbacks(execute=True):
            announcement = services.email_registrants(
                lecture.pk, subject="Room change", body="We moved to room 4.\n\nSee you there.", audience="confirmed"
            )
        assert announcement.recipient_count == 1
        (message,) = mail.outbox
        assert message.to == [confirmed.email] and message.subject == "Room change"
        assert "We moved to room 4." in message.body and "/lectures/registration/cancel/" in message.body


class TestPurge:
    def test_anonymises_after_the_retention_period_and_keeps_counts(self, site_root, settings):
        settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS = 30
        old = make_lecture(capacity=2)
        recent = make_lecture(start=timezone.now() + timedelta(days=60))
        for _ in range(3):
            services.register(old.pk, details(accessibility_needs="Step-free access"))
        kept = services.register(recent.pk, details()).registration
        later = old.end + timedelta(days=31)
        assert services.anonymise_past_registrations(now=later) == 3
        rows = Registration.objects.filter(lecture=old)
        assert set(rows.values_list("name", "email", "organisation", "accessibility_needs")) == {("", "", "", "")}
        assert sorted(rows.values_list("status", flat=True)) == ["confirmed", "confirmed", "waiting"]
        assert Registration.objects.get(pk=kept.pk).email == kept.email
        assert services.anonymise_past_registrations(now=later) == 0

    def test_forget_link_deletes_one_persons_details(self, site_root):
        from lectures.tokens import FORGET_SALT

        lecture = make_lecture()
        registration = services.register(lecture.pk, details()).registration
        other = services.register(lecture.pk, details()).registration
        services.forget_by_token(make_token(registration.pk, registration.email, salt=FORGET_SALT))
        gone = Registration.objects.get(pk=registration.pk)
        assert gone.email == "" and gone.anonymised_at and gone.status == RegistrationStatus.CANCELLED
        assert Registration.objects.get(pk=other.pk).email == other.email
        with pytest.raises(RegistrationError):
            services.forget_by_token(make_token(registration.pk, registration.email, salt=FORGET_SALT))
