"""The emails of alerts, as plain text and HTML: the confirmation request and the digest.

Every link comes from salam.public_urls. Digests carry RFC 8058 one-click unsubscribe headers,
so a mail client can stop the alert with one POST to the same link the email shows.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from alerts import tokens
from alerts.matching import DigestItem
from alerts.models import Frequency, Subscription
from alerts.rules import Notice, confirm_max_age
from alerts.searches import describe, params_of, search_path
from salam.public_urls import public_url


def confirm_url(subscription: Subscription, frequency: str) -> str:
    """The signed link that starts this alert at this frequency."""
    token = tokens.make_confirm_token(subscription.pk, subscription.email, frequency)
    return public_url(reverse("alerts:confirm", args=[token]))


def unsubscribe_url(subscription: Subscription) -> str:
    """The signed link that stops this alert (also the List-Unsubscribe target)."""
    token = tokens.make_unsubscribe_token(subscription.pk, subscription.email)
    return public_url(reverse("alerts:unsubscribe", args=[token]))


def _message(
    subject: str, template: str, context: dict, to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    context = {"subject": subject, **context}
    text = render_to_string(f"alerts/emails/{template}.txt", context)
    html = render_to_string(f"alerts/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def subscription_email(subscription: Subscription, notice: str, frequency: str) -> EmailMultiAlternatives:
    """The answer to a subscription request: confirm it, or (already subscribed) say so."""
    params = params_of(subscription.query)
    context = {
        "notice": notice,
        "description": describe(params),
        "frequency": Frequency(frequency).label.lower(),
        "current_frequency": subscription.get_frequency_display().lower(),
        "confirm_url": confirm_url(subscription, frequency),
        "unsubscribe_url": unsubscribe_url(subscription) if notice == Notice.ALREADY else "",
        "search_url": public_url(search_path(params)),
        "days": confirm_max_age().days,
        "same_frequency": frequency == subscription.frequency,
    }
    subject = "Confirm your SALAM alert" if notice == Notice.CONFIRM else "You already have this SALAM alert"
    return _message(subject, "subscription", context, subscription.email)


def digest_email(subscription: Subscription, items: list[DigestItem], total: int) -> EmailMultiAlternatives:
    """A digest of new publications and lectures, with one-click unsubscribe headers (RFC 8058)."""
    params = params_of(subscription.query)
    unsubscribe = unsubscribe_url(subscription)
    count = len(items) if total < len(items) else total
    context = {
        "items": items,
        "total": count,
        "more": count - len(items),
        "description": describe(params),
        "frequency": subscription.get_frequency_display().lower(),
        "search_url": public_url(search_path(params)),
        "unsubscribe_url": unsubscribe,
    }
    subject = f"SALAM alert: {count} new for {describe(params)}"
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return _message(subject[:200], "digest", context, subscription.email, headers)
