"""Alert workflows: subscribe (double opt-in), confirm, unsubscribe, send the digests that are due, purge.

Subscribing answers the same whatever the address already has; what differs goes into the email,
which only the address's owner reads. A digest is claimed in the database before it is sent (one
conditional UPDATE), so runs that overlap send each subscription at most one digest per period.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import emails, matching, tokens
from alerts.exceptions import AlertError
from alerts.models import Frequency, Subscription
from alerts.rules import INDEX_LAG, Notice, confirm_max_age, period_key
from alerts.searches import params_of, query_string
from search.exceptions import SearchError
from search.params import SearchParams

logger = logging.getLogger(__name__)


def request_subscription(email: str, params: SearchParams, frequency: str) -> tuple[Subscription, Notice]:
    """Record a request for an alert and say which email to send; nothing is sent here."""
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    query = query_string(params)
    now = timezone.now()
    for _attempt in range(2):  # a concurrent identical request may create the row between get and create
        try:
            with transaction.atomic():
                subscription, created = Subscription.objects.select_for_update().get_or_create(
                    email=email, query=query, defaults={"frequency": frequency}
                )
                if created:
                    return subscription, Notice.CONFIRM
                if subscription.is_active:
                    return subscription, Notice.ALREADY
                # Unconfirmed or unsubscribed: start again, so the new link and the row expire together.
                subscription.frequency = frequency
                subscription.created_at = now
                subscription.confirmed_at = subscription.unsubscribed_at = None
                subscription.last_period = ""
                subscription.covered_until = None
                subscription.save()
                return subscription, Notice.CONFIRM
        except IntegrityError:
            continue
    raise RuntimeError("could not record the subscription request")


def _subscription_for(subscription_id: int, digest: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        raise AlertError("not_found")
    if tokens.email_digest(subscription.email) != digest:
        raise AlertError("link_invalid")
    return subscription


def subscription_from_confirm_token(token: str) -> tuple[Subscription, str]:
    """The subscription and frequency a confirmation link names (nothing changed); AlertError otherwise."""
    subscription_id, digest, frequency = tokens.read_confirm_token(token, max_age=confirm_max_age())
    if frequency not in Frequency.values:
        raise AlertError("link_invalid")
    with transaction.atomic():
        subscription = _subscription_for(subscription_id, digest)
    if subscription.unsubscribed_at is not None:
        raise AlertError("not_found")
    return subscription, frequency


def confirm(token: str) -> Subscription:
    """Start the alert a confirmation link names (or switch it to the frequency the link asked for)."""
    subscription_id, digest, frequency = tokens.read_confirm_token(token, max_age=confirm_max_age())
    if frequency not in Frequency.values:
        raise AlertError("link_invalid")
    now = timezone.now()
    with transaction.atomic():
        subscription = _subscription_for(subscription_id, digest)
        if subscription.unsubscribed_at is not None:
            raise AlertError("not_found")
        if subscription.confirmed_at is None:
            subscription.confirmed_at = now
            # The first digest brings what is published from now on, in the next period.
            subscription.covered_until = now - INDEX_LAG
        subscription.frequency = frequency
        subscription.last_period = period_key(now, frequency)
        subscription.save()
    return subscription


def subscription_from_unsubscribe_token(token: str) -> Subscription:
    """The subscription an unsubscribe link names (nothing changed); AlertError otherwise."""
    subscription_id, digest = tokens.read_unsubscribe_token(token)
    with transaction.atomic():
        return _subscription_for(subscription_id, digest)


def unsubscribe(token: str) -> Subscription:
    """Stop the alert an unsubscribe link names (again is fine); the periodic job deletes the row."""
    subscription_id, digest = tokens.read_unsubscribe_token(token)
    with transaction.atomic():
        subscription = _subscription_for(subscription_id, digest)
        if subscription.unsubscribed_at is None:
            subscription.unsubscribed_at = timezone.now()
            subscription.save(update_fields=["unsubscribed_at"])
    return subscription


# --- digests ------------------------------------------------------------------------------------


@dataclass
class DigestReport:
    """What one pass over the due subscriptions did."""

    sent: int = 0
    nothing_new: int = 0
    skipped: int = 0  # claimed by another run, or not due
    failed: int = 0

    def summary(self) -> str:
        return (
            f"{self.sent} alert digests sent, {self.nothing_new} with nothing new, "
            f"{self.skipped} not due or sent by another run, {self.failed} failed."
        )


def due_subscriptions(frequency: str | None = None):
    """Confirmed, active subscriptions (of one frequency if given)."""
    subscriptions = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    return subscriptions.filter(frequency=frequency) if frequency else subscriptions


def _claim(subscription: Subscription, key: str, until: datetime.datetime) -> bool:
    """Take this period's digest for this run: one conditional UPDATE, so two runs cannot both win."""
    claimed = Subscription.objects.filter(
        pk=subscription.pk,
        unsubscribed_at__isnull=True,
        last_period=subscription.last_period,
        covered_until=subscription.covered_until,
    ).update(last_period=key, covered_until=until)
    return claimed == 1


def _release(subscription: Subscription, key: str) -> None:
    """Give the period back after a failure, so the next run tries again."""
    Subscription.objects.filter(pk=subscription.pk, last_period=key).update(
        last_period=subscription.last_period, covered_until=subscription.covered_until
    )


def send_digest(subscription: Subscription, now: datetime.datetime) -> str:
    """Send one subscription its digest if due: 'sent', 'nothing_new', 'skipped' or 'failed'."""
    key = period_key(now, subscription.frequency)
    if subscription.last_period == key:
        return "skipped"
    since = subscription.covered_until or subscription.confirmed_at or now
    until = max(since, now - INDEX_LAG)
    if not _claim(subscription, key, until):
        return "skipped"
    try:
        items, total = matching.new_items(
            params_of(subscription.query), since, until, limit=settings.ALERTS_DIGEST_MAX_ITEMS
        )
        if not items:
            return "nothing_new"
        emails.digest_email(subscription, items, total).send()
    except (SearchError, OSError) as exc:
        _release(subscription, key)
        logger.warning("alert digest for subscription %s not sent: %s", subscription.pk, exc)
        return "failed"
    except Exception:
        _release(subscription, key)
        logger.exception("alert digest for subscription %s not sent", subscription.pk)
        return "failed"
    Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return "sent"


def send_due_digests(*, frequency: str | None = None, now: datetime.datetime | None = None) -> DigestReport:
    """Send every digest that is due in this period and not yet claimed by any run."""
    now = now or timezone.now()
    report = DigestReport()
    for subscription in due_subscriptions(frequency).order_by("pk").iterator(chunk_size=500):
        outcome = send_digest(subscription, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def expired_subscriptions(now: datetime.datetime | None = None):
    """Unsubscribed subscriptions, and those not confirmed within ALERTS_CONFIRM_DAYS."""
    now = now or timezone.now()
    from django.db.models import Q

    return Subscription.objects.filter(
        Q(unsubscribed_at__isnull=False) | Q(confirmed_at__isnull=True, created_at__lt=now - confirm_max_age())
    )


def purge_subscriptions(now: datetime.datetime | None = None) -> int:
    """Delete unsubscribed and never-confirmed subscriptions; returns how many."""
    deleted, _ = expired_subscriptions(now).delete()
    return deleted
