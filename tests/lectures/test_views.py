"""Public pages: the list and its filters, the registration form with bad input, signed links, feeds."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from lectures import calendar, services
from lectures.forms import RegistrationForm
from lectures.models import LectureCountryTag, LectureThemeTag, Registration
from lectures.tokens import make_token
from tests.factories.lectures import (
    LectureSeriesFactory,
    SpeakerFactory,
    details,
    form_data,
    lecture_index,
    make_lecture,
)
from themes.models import Country, Theme

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://meet.example.org/very-secret-room"


def register_url(lecture) -> str:
    return reverse("lectures:register", args=[lecture.pk])


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


class TestIndexPage:
    def test_upcoming_first_in_date_order_then_past_newest_first(self, client, site_root):
        now = timezone.now()
        index = lecture_index()
        later = make_lecture(index, title="Later upcoming", start=now + timedelta(days=20))
        sooner = make_lecture(index, title="Sooner upcoming", start=now + timedelta(days=2))
        old = make_lecture(index, title="Old past", start=now - timedelta(days=200))
        recent = make_lecture(index, title="Recent past", start=now - timedelta(days=3))
        response = client.get(index.url)
        assert response.status_code == 200
        assert [p.pk for p in response.context["upcoming_lectures"]] == [sooner.pk, later.pk]
        assert [p.pk for p in response.context["past_lectures"]] == [recent.pk, old.pk]
        html = response.content.decode()
        assert html.index("Sooner upcoming") < html.index("Later upcoming") < html.index("Recent past")

    def test_drafts_and_private_lectures_are_not_listed(self, client, site_root):
        index = lecture_index()
        make_lecture(index, title="Public lecture")
        make_lecture(index, title="Draft lecture", live=False)
        private = make_lecture(index, title="Private lecture")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        html = client.get(index.url).content.decode()
        assert "Public lecture" in html
        assert "Draft lecture" not in html and "Private lecture" not in html

    def test_filters_by_theme_country_series_and_year(self, client, site_root):
        index = lecture_index()
        series = LectureSeriesFactory(slug="dialogues")
        fees = make_lecture(index, title="Fees", series=series)
        LectureThemeTag.objects.create(page=fees, theme=Theme.objects.get(slug="fair-recruitment"))
        LectureCountryTag.objects.create(page=fees, country=Country.objects.get(alpha2="NP"))
        other = make_lecture(index, title="Other", start=timezone.now() - timedelta(days=800))
        for query, expected in [
            ({"theme": "fair-recruitment"}, {fees.pk}),
            ({"country": "np"}, {fees.pk}),
            ({"series": "dialogues"}, {fees.pk}),
            (
                {"year": str(other.start.year)},
                {other.pk} | ({fees.pk} if fees.start.year == other.start.year else set()),
            ),
        ]:
            context = client.get(index.url, query).context
            shown = {p.pk for p in context["upcoming_lectures"]} | {p.pk for p in context["past_lectures"]}
            assert shown == expected, query

    @pytest.mark.parametrize(
        "query",
        [
            {"theme": "no-such-theme"},
            {"country": "XX"},
            {"series": "<script>alert(1)</script>"},
            {"year": "twenty"},
            {"year": "1900"},
            {"page": "9999"},
            {"page": "-1"},
        ],
    )
    def test_bad_filter_values_show_everything_with_a_message(self, client, site_root, query):
        index = lecture_index()
        lecture = make_lecture(index)
        response = client.get(index.url, query)
        assert response.status_code == 200
        assert [p.pk for p in response.context["upcoming_lectures"]] == [lecture.pk]
        if "page" not in query:
            assert response.context["filter_errors"]
            assert "so all" in response.content.decode()
        assert "<script>alert(1)" not in response.content.decode()

    def test_query_count_does_not_grow_with_the_number_of_lectures(
        self, client, site_root, django_assert_max_num_queries
    ):
        index = lecture_index()
        speaker = SpeakerFactory()
        for days in range(-10, 10):
            make_lecture(index, start=timezone.now() + timedelta(days=days, hours=1), speakers=[speaker])
        client.get(index.url)  # warm caches (site root, content types)
        with django_assert_max_num_queries(25):
            client.get(index.url)


class TestLecturePage:
    def test_shows_times_in_the_venue_zone_and_never_the_joining_link(self, client, site_root):
        lecture = make_lecture(online=True, joining_link=SECRET_LINK, timezone="Asia/Kathmandu")
        html = client.get(lecture.url).content.decode()
        local = lecture.start.astimezone(lecture.venue_zone)
        assert f"{local:%H:%M}" in html and "Kathmandu time" in html
        assert f'datetime="{local.isoformat()}"' in html
        assert "very-secret-room" not in html
        assert 'name="consent"' in html and 'for="id_consent"' in html

    def test_full_lecture_offers_the_waiting_list(self, client, site_root):
        lecture = make_lecture(capacity=1)
        services.register(lecture.pk, details())
        html = client.get(lecture.url).content.decode()
        assert "The lecture is full" in html and "Join the waiting list" in html

    def test_past_lecture_plays_the_recording_with_a_seeking_transcript(self, client, site_root):
        lecture = make_lecture(
            start=timezone.now() - timedelta(days=5),
            recording_url="https://youtu.be/dQw4w9WgXcQ",
            transcript="[00:00:05] Welcome.\n[00:01:30] Remittances to Nepal.",
        )
        html = client.get(lecture.url).content.decode()
        # The player is built on request (lectures.js): until then nothing is fetched from YouTube.
        assert 'data-embed-base="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in html
        assert "<iframe" not in html and "Nothing is fetched" not in html
        assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s" data-seek="90"' in html
        assert "Remittances to Nepal." in html
        assert 'name="consent"' not in html  # no registration form after the lecture

    def test_uploaded_recording_gets_a_player_with_captions(self, client, site_root):
        from django.core.files.base import ContentFile

        lecture = make_lecture(start=timezone.now() - timedelta(days=5), transcript="[00:00:07] Hello.")
        lecture.recording_file.save("talk.mp3", ContentFile(b"ID3fake"), save=True)
        html = client.get(lecture.url).content.decode()
        assert '<audio id="lecture-player"' in html and 'type="audio/mpeg"' in html
        assert f"/lectures/{lecture.pk}/transcript.vtt" in html
        assert f'href="{lecture.recording_file.url}#t=7"' in html
        vtt = client.get(f"/lectures/{lecture.pk}/transcript.vtt")
        assert vtt["Content-Type"].startswith("text/vtt")
        assert vtt.content.decode().startswith("WEBVTT") and "00:00:07.000 --> " in vtt.content.decode()


class TestRegistrationForm:
    def test_registering_redirects_and_confirms(self, client, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture()
        page = client.get(lecture.url).content.decode()
        action = re.search(r'<form class="registration-form" method="post" action="([^"#]+)', page).group(1)
        assert action == register_url(lecture)
        back = re.search(r'<input type="hidden" name="next" value="([^"]+)"', page).group(1)
        assert back == lecture.url
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(action, {**form_data(email="Asha@Example.org"), "next": back}, follow=True)
        assert response.redirect_chain == [(f"{lecture.url}?registered=confirmed#registration", 302)]
        html = response.content.decode()
        # The outcome is shown inside the registration box the redirect scrolls to, and only there.
        box = html[html.index('id="registration"') :]
        assert "You are registered" in box and html.count("You are registered") == 1
        assert Registration.objects.get().email == "asha@example.org"
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"email": "not-an-email"}, "valid email"),
            ({"email": ""}, "Please give your email address"),
            ({"name": "x" * 10_000}, "at most 200 characters"),
            ({"name": "   "}, "Please give your name"),
            ({"consent": None}, "Please agree"),
            ({"role": "astronaut"}, "Select a valid choice"),
            ({"country": "XX"}, "Select a valid choice"),
            ({"accessibility_needs": "y" * 5000}, "at most 2000 characters"),
            ({"website": "http://spam.example"}, "meant to stay empty"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_changes_nothing(
        self, client, site_root, django_capture_on_commit_callbacks, changes, expected
    ):
        lecture = make_lecture()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(register_url(lecture), form_data(**changes))
        assert response.status_code == 400
        assert expected in response.content.decode()
        assert "Your registration was not sent" in response.content.decode()
        assert not Registration.objects.exists() and not mail.outbox

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            ({"status": "cancelled"}, "has been cancelled"),
            ({"registration_closes": timezone.now() - timedelta(hours=1)}, "Registration for this lecture closed"),
        ],
    )
    def test_closed_or_cancelled_lecture_refuses_a_post(self, client, site_root, fields, expected):
        lecture = make_lecture(**fields)
        response = client.post(register_url(lecture), form_data())
        assert response.status_code == 409
        assert expected in response.content.decode()
        assert not Registration.objects.exists()

    def test_past_lecture_refuses_a_post(self, client, site_root):
        lecture = make_lecture(start=timezone.now() - timedelta(days=1))
        response = client.post(register_url(lecture), form_data())
        assert response.status_code == 409 and "already started" in response.content.decode()
        assert not Registration.objects.exists()

    def test_rate_limit_per_email(self, client, site_root, settings):
        settings.LECTURE_REGISTRATION_RATE_PER_EMAIL = "2/h"
        lectures = [make_lecture() for _ in range(3)]
        codes = [
            client.post(register_url(lecture), form_data(email="same@example.org")).status_code for lecture in lectures
        ]
        assert codes == [302, 302, 429]
        assert Registration.objects.count() == 2

    def test_rate_limit_per_address(self, client, site_root, settings):
        settings.LECTURE_REGISTRATION_RATE_PER_IP = "3/h"
        lecture = make_lecture()
        codes = [client.post(register_url(lecture), form_data()).status_code for _ in range(4)]
        assert codes == [302, 302, 302, 429]
        response = client.post(register_url(lecture), form_data())
        assert "Too many registration attempts" in response.content.decode()
        assert Registration.objects.count() == 3

    def test_a_post_to_the_page_itself_is_sent_on_to_the_form_endpoint(self, client, site_root):
        lecture = make_lecture()
        response = client.post(lecture.url, form_data())
        assert response.status_code == 307 and response["Location"] == register_url(lecture)
        assert not Registration.objects.exists()
        followed = client.post(lecture.url, form_data(email="late@example.org"), follow=True)
        assert followed.status_code == 200 and "You are registered" in followed.content.decode()
        assert Registration.objects.get().email == "late@example.org"

    @pytest.mark.parametrize("kind", ["draft", "private", "private_section", "alias_of_private", "unknown"])
    def test_hidden_or_unknown_lectures_cannot_be_registered_for(self, client, site_root, kind):
        lecture = make_lecture()
        url = register_url(lecture)
        if kind == "draft":
            lecture.unpublish()
        elif kind == "private":
            PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
        elif kind == "private_section":
            PageViewRestriction.objects.create(page=lecture_index(), restriction_type=PageViewRestriction.PASSWORD,
                                               password="x")  # fmt: skip
        elif kind == "alias_of_private":
            # An alias takes its source page's restrictions (it cannot have its own).
            alias = lecture.create_alias(update_slug=f"{lecture.slug}-alias")
            PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
            url = register_url(alias)
        else:
            url = reverse("lectures:register", args=[lecture.pk + 1000])
        response = client.post(url, form_data())
        assert response.status_code == 404
        assert not Registration.objects.exists()

    @pytest.mark.parametrize(
        "back", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "relative/path", "", None]
    )
    def test_the_redirect_never_leaves_the_site(self, client, site_root, back):
        lecture = make_lecture()
        data = form_data() if back is None else {**form_data(), "next": back}
        response = client.post(register_url(lecture), data)
        assert response.status_code == 302
        assert response["Location"] == f"{lecture.url}?registered=confirmed#registration"

    def test_a_visitor_allowed_behind_a_restriction_can_register(self, client, site_root, django_user_model):
        lecture = make_lecture()
        PageViewRestriction.objects.create(page=lecture_index(), restriction_type=PageViewRestriction.LOGIN)
        assert client.post(register_url(lecture), form_data()).status_code == 404
        client.force_login(django_user_model.objects.create_user("member", password="x"))
        assert client.post(register_url(lecture), form_data()).status_code == 302
        assert Registration.objects.get().lecture_id == lecture.pk

    def test_registering_for_a_public_lecture_checks_privacy_in_one_query(
        self, client, site_root, django_assert_max_num_queries
    ):
        lecture = make_lecture()
        client.post(register_url(lecture), form_data(email="first@example.org"))  # caches warm
        # The visibility query, the rate-limit counters (the address's, counted again; the new email's),
        # the transaction (begin, lock, count, insert, commit), the email's task; the redirect goes
        # back to the path the form came from.
        data = {**form_data(email="second@example.org"), "next": lecture.url}
        with django_assert_max_num_queries(10):
            assert client.post(register_url(lecture), data).status_code == 302

    def test_a_refused_form_keeps_the_chosen_country(self, client, site_root):
        lecture = make_lecture()
        response = client.post(register_url(lecture), form_data(email="not-an-email", country="NP"))
        html = response.content.decode()
        assert response.status_code == 400
        assert '<option value="NP" selected>Nepal</option>' in html
        assert html.count(" selected>") == 2  # the country and the role, nothing else
        assert "Côte d&#x27;Ivoire" in html or "Côte d'Ivoire" in html

    def test_forms_share_the_country_list_without_sharing_changes(self):
        first, second = RegistrationForm(), RegistrationForm()
        first.fields["country"].choices = [("NP", "Nepal")]
        assert len(second.fields["country"].choices) > 200
        assert 'value="BD"' in str(second["country"]) and 'value="BD"' not in str(first["country"])
        assert len(RegistrationForm().fields["country"].choices) > 200

    def test_the_form_endpoint_only_takes_posts(self, client, site_root):
        assert client.get(register_url(make_lecture())).status_code == 405

    def test_post_without_csrf_token_is_refused(self, site_root):
        from django.test import Client

        lecture = make_lecture()
        response = Client(enforce_csrf_checks=True).post(register_url(lecture), form_data())
        assert response.status_code == 403
        assert not Registration.objects.exists()


class TestSignedLinkPages:
    def test_get_asks_and_post_cancels(self, client, site_root, django_capture_on_commit_callbacks):
        lecture = make_lecture(capacity=1)
        holder = services.register(lecture.pk, details(name="Mina Karki")).registration
        waiting = services.register(lecture.pk, details()).registration
        url = f"/lectures/registration/cancel/{make_token(holder.pk, holder.email)}/"
        page = client.get(url)
        assert page.status_code == 200 and "Mina Karki" in page.content.decode()
        assert Registration.objects.get(pk=holder.pk).status == "confirmed"  # GET changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(url)
        assert done.status_code == 200 and "is cancelled" in done.content.decode()
        assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
        again = client.post(url)
        assert again.status_code == 400 and "already cancelled" in again.content.decode()

    @pytest.mark.parametrize("token", ["garbage", "eyJyIjoxfQ:1abc:def", "x" * 500])
    def test_forged_link_shows_a_message_and_changes_nothing(self, client, site_root, token):
        registration = services.register(make_lecture().pk, details()).registration
        response = client.post(f"/lectures/registration/cancel/{token}/")
        assert response.status_code == 400 and "not valid" in response.content.decode()
        assert Registration.objects.get(pk=registration.pk).status == "confirmed"

    def test_expired_link_after_the_lecture(self, client, site_root):
        lecture = make_lecture(start=timezone.now() + timedelta(hours=1))
        registration = services.register(lecture.pk, details()).registration
        lecture.start = timezone.now() - timedelta(hours=3)
        lecture.end = timezone.now() - timedelta(hours=1)
        lecture.save()
        response = client.post(f"/lectures/registration/cancel/{make_token(registration.pk, registration.email)}/")
        assert response.status_code == 400 and "expired" in response.content.decode()
        assert Registration.objects.get(pk=registration.pk).status == "confirmed"


class TestCalendars:
    def test_feed_lists_upcoming_public_lectures_without_joining_links(self, client, site_root):
        index = lecture_index()
        upcoming = make_lecture(index, title="Upcoming public", online=True, joining_link=SECRET_LINK)
        make_lecture(index, title="Draft one", live=False)
        make_lecture(index, title="Past one", start=timezone.now() - timedelta(days=3))
        private = make_lecture(index, title="Private one")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        response = client.get("/lectures/feed.ics")
        assert response["Content-Type"].startswith("text/calendar")
        assert "very-secret-room" not in response.content.decode()
        parsed = calendar.parse(response.content)
        assert parsed["METHOD"] == "PUBLISH"
        assert [str(e["SUMMARY"]) for e in parsed.events] == ["Upcoming public"]
        assert str(parsed.events[0]["UID"]) == calendar.public_uid(upcoming)

    def test_single_lecture_file_and_hidden_ones_are_not_found(self, client, site_root):
        lecture = make_lecture(title="One lecture", online=True, joining_link=SECRET_LINK)
        draft = make_lecture(live=False)
        response = client.get(f"/lectures/{lecture.pk}/calendar.ics")
        parsed = calendar.parse(response.content)
        assert [str(e["SUMMARY"]) for e in parsed.events] == ["One lecture"]
        assert "very-secret-room" not in response.content.decode()
        assert client.get(f"/lectures/{draft.pk}/calendar.ics").status_code == 404
        assert client.get("/lectures/999999/calendar.ics").status_code == 404
        assert client.get(f"/lectures/{lecture.pk}/transcript.vtt").status_code == 404  # no transcript


def test_related_publications_show_only_published_ones(client, site_root):
    from tests.factories.publications import make_index, make_publication

    publications = make_index(site_root)
    published = make_publication(publications, title="Fees brief")
    draft = make_publication(publications, title="Unfinished draft", live=False)
    lecture = make_lecture()
    lecture.related_publications.set([published, draft])
    lecture.save()
    html = client.get(lecture.url).content.decode()
    assert "Fees brief" in html and "Unfinished draft" not in html
