"""Public endpoints of alerts: the subscription form, and the signed confirm and unsubscribe links.

Views parse input, call alerts.services and render. The answer to a subscription is the same
whether or not the address already has the alert (only the email differs), so nobody can find out
who subscribed. GET never changes anything; confirming and unsubscribing are POSTs.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import services, tasks
from alerts.exceptions import MESSAGES, AlertError
from alerts.forms import SubscriptionForm
from alerts.searches import alert_params, describe, params_of, search_path
from salam.ratelimits import over_limit
from search.params import SearchParams

logger = logging.getLogger(__name__)


def _rate_limited(request: HttpRequest, email: str) -> bool:
    """Count this request against the caller's address and the email; True when either is over its limit."""
    per_ip = settings.ALERTS_SUBSCRIBE_RATE_PER_IP
    per_email = settings.ALERTS_SUBSCRIBE_RATE_PER_EMAIL
    limited = False
    if per_ip:
        limited |= over_limit(request, group="alerts.subscribe.ip", key="ip", rate=per_ip)
    if per_email and email:
        limited |= over_limit(request, group="alerts.subscribe.email", key=lambda group, req: email, rate=per_email)
    return limited


def _form_page(request: HttpRequest, form: SubscriptionForm, status: int = 200) -> HttpResponse:
    # The search shown is what the form will save: on a refused POST, what was sent, read leniently.
    params = form.search_params or alert_params(request.POST if request.method == "POST" else request.GET, strict=False)
    context = {
        "form": form,
        "params": params,
        "description": describe(params),
        "search_url": search_path(params),
        "hidden_pairs": SearchParams(q=params.q, filters=dict(params.filters)).pairs(),
    }
    return render(request, "alerts/subscribe.html", context, status=status)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Show the alert form for the search in the query string; on POST record it and email the link."""
    if request.method == "GET":
        return _form_page(request, SubscriptionForm())
    form = SubscriptionForm(request.POST)
    email = str(request.POST.get("email", "")).strip().lower()[:254]
    if _rate_limited(request, email):
        logger.warning("Alert subscription rate limit hit")
        form.add_error(None, MESSAGES["rate_limited"])
        return _form_page(request, form, status=429)
    if form.honeypot_filled():
        form.add_error(None, MESSAGES["honeypot"])
        return _form_page(request, form, status=400)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    frequency = form.cleaned_data["frequency"]
    subscription, notice = services.request_subscription(form.cleaned_data["email"], form.search_params, frequency)
    # The row is committed (request_subscription's own transaction): the worker will find it.
    tasks.send_subscription_email.enqueue(subscription.pk, notice.value, frequency)
    return HttpResponseRedirect(reverse("alerts:requested"))


@require_GET
def requested(request: HttpRequest) -> HttpResponse:
    """What every subscription request is told, whatever the address already had."""
    return render(request, "alerts/requested.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the alert a confirmation link names and start it on POST (link checkers only GET)."""
    context: dict = {"action": "confirm"}
    try:
        subscription, frequency = services.subscription_from_confirm_token(token)
        if request.method == "POST":
            subscription = services.confirm(token)
            context["done"] = True
        context.update(_describe(subscription), frequency=frequency)
    except AlertError as exc:
        context["error"] = exc.message
        return render(request, "alerts/link.html", context, status=400)
    return render(request, "alerts/link.html", context)


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm; POST (the page's button, or a mail client's one-click) stops the alert."""
    context: dict = {"action": "unsubscribe"}
    try:
        if request.method == "POST":
            subscription = services.unsubscribe(token)
            context["done"] = True
        else:
            subscription = services.subscription_from_unsubscribe_token(token)
            context["done"] = subscription.unsubscribed_at is not None
        context.update(_describe(subscription))
    except AlertError as exc:
        context["error"] = exc.message
        return render(request, "alerts/link.html", context, status=400)
    return render(request, "alerts/link.html", context)


def _describe(subscription) -> dict:
    params = params_of(subscription.query)
    return {"subscription": subscription, "description": describe(params), "search_url": search_path(params)}
