"""Counting requests against a rate limit (django-ratelimit), never refusing anyone on an internal error."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def over_limit(request: HttpRequest, *, group: str, key: str | Callable, rate: str) -> bool:
    """Count this request in ``group`` and say whether it is over ``rate``; False if counting failed.

    The counters live in settings.RATELIMIT_USE_CACHE (salam.cache.AtomicCounterCache by default).
    A counter that cannot be read or written is logged and the request let through: a limit is a
    defence against abuse, and a person must never be refused because of an internal error.
    """
    try:
        return bool(is_ratelimited(request, group=group, key=key, rate=rate, increment=True))
    except Exception:
        logger.exception("rate limit %s could not be counted; letting the request through", group)
        return False


def client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits see it: settings.RATELIMIT_IP_META_KEY behind a proxy."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    return str(request.META.get(key) or request.META.get("REMOTE_ADDR", "")).split(",")[0].strip()
