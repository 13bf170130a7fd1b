"""Email alerts: subscribe with double opt-in, get a digest of new live public items, unsubscribe in one click.

Tests follow the links in the emails (django.core.mail's outbox) the way a reader would.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from alerts import services
from alerts.models import Subscription
from search import indexing
from search.taxonomy import PUBLICATION_TYPES
from tests.alerts.helpers import only_link
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db]

NEPAL_FEES = {"q": "recruitment", "country": "NP"}


def subscribe(client, email="reader@example.org", frequency="daily", **search):
    data = {"email": email, "frequency": frequency, "website": "", **(search or NEPAL_FEES)}
    return client.post("/alerts/new/", data)


def confirm_latest(client) -> Subscription:
    link = only_link("confirm")
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 200 and "has started" in response.content.decode()
    return Subscription.objects.get()


def tomorrow() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=1, hours=1)


def _age(page, **delta) -> None:
    type(page).objects.filter(pk=page.pk).update(first_published_at=timezone.now() - datetime.timedelta(**delta))


@pytest.mark.elasticsearch
def test_subscribe_confirm_receive_a_digest_and_unsubscribe_in_one_click(
    client, site_root, run_on_commit, search_index
):
    with run_on_commit():
        old = factories.publication(site_root, "Old recruitment study of Nepal", countries=["NP"])
    _age(old, days=30)

    # The form shows the search it saves, and asks for nothing but an address and a frequency.
    form = client.get("/alerts/new/", {"q": "recruitment", "country": "np", "sort": "newest", "page": "3"})
    assert form.status_code == 200 and "“recruitment” in Country: Nepal" in form.content.decode()
    assert 'name="page"' not in form.content.decode() and 'name="sort"' not in form.content.decode()

    response = subscribe(client)
    assert response.status_code == 302 and response["Location"] == "/alerts/requested/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.org"]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    # Double opt-in: nothing is sent before the link is followed.
    assert services.send_due_digests(now=tomorrow()).sent == 0
    assert Subscription.objects.get().confirmed_at is None

    subscription = confirm_latest(client)
    assert subscription.is_active and subscription.frequency == "daily"

    with run_on_commit():
        new = factories.publication(
            site_root, "New recruitment fees survey in Nepal", countries=["NP"], pages=["Public text"]
        )
        embargoed = factories.publication(
            site_root,
            "Embargoed recruitment brief on Nepal",
            countries=["NP"],
            pages=["Secret embargoed finding about recruitment"],
            embargo_until=datetime.date(2999, 1, 1),
        )
        lecture = factories.lecture(site_root, "Lecture on recruitment in Nepal", countries=["NP"])
        factories.publication(site_root, "Draft recruitment memo on Nepal", countries=["NP"], live=False)
        private = factories.publication(site_root, "Private recruitment memo on Nepal", countries=["NP"])
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        factories.publication(site_root, "Recruitment in Bangladesh", countries=["BD"])
    indexing.refresh()
    mail.outbox.clear()

    report = services.send_due_digests(now=tomorrow())
    assert report.sent == 1, report.summary()
    digest = mail.outbox[0]
    html = digest.alternatives[0][0]
    for title in (new.title, embargoed.title, lecture.title):
        assert title in digest.body and title in html
    for hidden in ("Draft recruitment memo", "Private recruitment memo", "Bangladesh", old.title, "Secret embargoed"):
        assert hidden not in digest.body and hidden not in html
    assert f"http://testserver{new.url}" in digest.body
    unsubscribe = only_link("unsubscribe", message=digest)
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The job runs again in the same period: nothing more.
    assert services.send_due_digests(now=tomorrow()).sent == 0 and len(mail.outbox) == 1

    # GET only asks; the mail client's one-click POST carries no cookie and no CSRF token.
    page = client.get(unsubscribe)
    assert page.status_code == 200 and "Yes, unsubscribe" in page.content.decode()
    assert Subscription.objects.get().unsubscribed_at is None
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200 and "is stopped" in one_click.content.decode()
    assert Subscription.objects.get().unsubscribed_at is not None
    assert services.send_due_digests(now=tomorrow() + datetime.timedelta(days=2)).sent == 0

    # The periodic job deletes it; the link then says so.
    call_command("purge_alert_subscriptions", stdout=_quiet())
    assert not Subscription.objects.exists()
    assert "no longer exists" in client.get(unsubscribe).content.decode()


def _quiet():
    import io

    return io.StringIO()


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, db):
    first = subscribe(client, email="someone@example.org")
    confirm_latest(client)
    mail.outbox.clear()
    again = subscribe(client, email="Someone@Example.org")
    stranger = subscribe(client, email="stranger@example.org")
    assert (
        (again.status_code, again["Location"])
        == (stranger.status_code, stranger["Location"])
        == (302, first["Location"])
    )
    assert client.get(again["Location"]).content == client.get(stranger["Location"]).content
    # Only the email differs, and only its owner reads it.
    already, fresh = mail.outbox
    assert already.to == ["someone@example.org"] and "already receives it" in already.body
    assert only_link("unsubscribe", message=already) and "confirm" not in already.body.split("To stop")[0].lower()
    assert fresh.subject == "Confirm your SALAM alert"
    assert Subscription.objects.count() == 2


def test_asking_again_for_another_frequency_switches_after_confirmation(client, db):
    subscribe(client, frequency="daily")
    confirm_latest(client)
    subscribe(client, frequency="weekly")
    link = only_link("confirm")
    assert Subscription.objects.get().frequency == "daily"
    client.post(link)
    assert Subscription.objects.get().frequency == "weekly"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"email": ""}, "Please give your email address."),
        ({"frequency": "monthly"}, "Please choose daily or weekly."),
        ({"frequency": ""}, "Please choose daily or weekly."),
        ({"country": "XX"}, "Unknown country code &#x27;XX&#x27;"),
        ({"gcm": "99"}, "Unknown GCM objective &#x27;99&#x27;"),
        ({"theme": "no-such-theme"}, "Unknown theme"),
        ({"type": "novel"}, "Unknown type"),
        ({"year": "20x4"}, "Invalid year"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(client, db, data, message):
    response = client.post("/alerts/new/", {"email": "a@example.org", "frequency": "weekly", **NEPAL_FEES, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_honeypot_and_the_rate_limits_refuse_quietly(client, db, settings):
    refused = client.post("/alerts/new/", {"email": "a@example.org", "frequency": "weekly", "website": "http://spam"})
    assert refused.status_code == 400 and not Subscription.objects.exists() and not mail.outbox

    settings.ALERTS_SUBSCRIBE_RATE_PER_IP = "2/h"
    assert subscribe(client, email="one@example.org").status_code == 302
    assert subscribe(client, email="two@example.org").status_code == 302
    limited = subscribe(client, email="three@example.org")
    assert limited.status_code == 429 and "Too many alert requests" in limited.content.decode()
    assert Subscription.objects.count() == 2

    settings.ALERTS_SUBSCRIBE_RATE_PER_IP = None
    settings.ALERTS_SUBSCRIBE_RATE_PER_EMAIL = "1/h"
    assert subscribe(client, email="four@example.org", q="wages").status_code == 302
    assert subscribe(client, email="four@example.org", q="fees").status_code == 429


def test_tampered_foreign_and_expired_links_do_nothing(client, db, monkeypatch):
    subscribe(client)
    link = only_link("confirm")
    token = link.split("/")[3]
    tampered = f"/alerts/confirm/{token[:-2]}{'AA' if token[-2:] != 'AA' else 'BB'}/"
    for bad in (tampered, "/alerts/confirm/nonsense/", "/alerts/unsubscribe/nonsense/"):
        for method in (client.get, client.post):
            response = method(bad)
            assert response.status_code == 400 and "not valid" in response.content.decode()
    # A link made for another address never acts on this subscription.
    other = signing.dumps(
        {"s": Subscription.objects.get().pk, "e": "0" * 16, "f": "daily"}, salt="alerts.subscription.confirm"
    )
    assert client.post(f"/alerts/confirm/{other}/").status_code == 400
    # An unsubscribe token is not a confirmation token.
    wrong_salt = signing.dumps({"s": Subscription.objects.get().pk, "e": "x"}, salt="alerts.subscription.unsubscribe")
    assert client.post(f"/alerts/confirm/{wrong_salt}/").status_code == 400
    assert Subscription.objects.get().confirmed_at is None

    later = timezone.now().timestamp() + 8 * 86400  # ALERTS_CONFIRM_DAYS is 7
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = client.post(link)
    assert expired.status_code == 400 and "has expired" in expired.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def test_unconfirmed_subscriptions_are_deleted_after_the_confirmation_days(client, db):
    subscribe(client, email="late@example.org")
    subscribe(client, email="recent@example.org")
    confirm_latest_of = Subscription.objects.get(email="recent@example.org")
    Subscription.objects.filter(email="late@example.org").update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert services.purge_subscriptions() == 1
    assert list(Subscription.objects.values_list("email", flat=True)) == [confirm_latest_of.email]


def test_the_commands_refuse_bad_arguments(db):
    with pytest.raises(CommandError, match="invalid choice: 'monthly'"):
        call_command("send_alert_digests", "--frequency", "monthly")
    with pytest.raises(CommandError, match="unrecognized arguments"):
        call_command("purge_alert_subscriptions", "--days", "3")


def test_the_periodic_job_sends_each_digest_once_however_often_it_runs(client, db, monkeypatch):
    from alerts import matching
    from salam import periodic

    subscribe(client)
    confirm_latest(client)
    mail.outbox.clear()
    item = matching.DigestItem(1, "A new study", "Report", "http://testserver/x/", timezone.now())
    monkeypatch.setattr(matching, "new_items", lambda *args, **kwargs: ([item], 1))
    subscription = Subscription.objects.get()
    # The next period has come: the job is due however often the runner starts.
    Subscription.objects.filter(pk=subscription.pk).update(last_period="2000-01-01")
    for _ in range(3):
        outcome = periodic.run_job(next(j for j in periodic.JOBS if j.name == "send_alert_digests"), force=True)
        assert outcome.status == "ok", outcome.message
    assert len(mail.outbox) == 1 and "A new study" in mail.outbox[0].body


def test_a_digest_that_cannot_be_sent_is_tried_again_next_run(client, db, monkeypatch):
    from alerts import matching
    from search.exceptions import SearchUnavailable

    subscribe(client)
    confirm_latest(client)
    mail.outbox.clear()

    def down(*args, **kwargs):
        raise SearchUnavailable()

    monkeypatch.setattr(matching, "new_items", down)
    assert services.send_due_digests(now=tomorrow()).failed == 1
    item = matching.DigestItem(1, "A new study", "Report", "http://testserver/x/", timezone.now())
    monkeypatch.setattr(matching, "new_items", lambda *args, **kwargs: ([item], 1))
    assert services.send_due_digests(now=tomorrow()).sent == 1


@pytest.mark.elasticsearch
def test_entry_points_on_the_search_page_landing_pages_and_empty_map_cells(
    client, site_root, run_on_commit, search_index
):
    with run_on_commit():
        factories.publication(site_root, "Recruitment fees in Nepal", countries=["NP"], gcm=[6])
    indexing.refresh()

    search = client.get("/search/", {"q": "fees", "country": "NP", "sort": "newest", "page": "1"}).content.decode()
    assert '<a class="alert-entry__link" href="/alerts/new/?q=fees&amp;country=NP">' in search
    assert search.count("alerts/alerts.css") == 1

    landing = client.get("/gcm/21/").content.decode()
    assert 'href="/alerts/new/?gcm=21"' in landing and "Email me new results for GCM Objective 21" in landing

    evidence = client.get("/evidence-map/").content.decode()
    assert "Tell me when evidence appears for Nepal \u00d7 GCM objective 21" in evidence
    assert evidence.count("alerts/alerts.css") == 1
    # The filled cell (Nepal x 6) links to its results, not to an alert.
    assert "evidence appears for Nepal \u00d7 GCM objective 6<" not in evidence
    types = "".join(f"&amp;type={kind}" for kind in PUBLICATION_TYPES)
    href = f"/alerts/new/?country=NP&amp;gcm=21{types}"
    assert f'href="{href}"' in evidence
    cell = client.get(href.replace("&amp;", "&")).content.decode()
    assert "Country: Nepal; GCM objective: 21." in cell and "publications" in cell
