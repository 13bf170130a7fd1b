"""Typed readers for environment variables (the one place settings touch os.environ)."""

import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    """Return the variable's value, or the default when it is unset or empty."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything other than the usual spellings is an error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Read an integer variable with a clear error when it is not a number."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name: str, default: float, *, low: float | None = None, high: float | None = None) -> float:
    """Read a decimal number, optionally within [low, high]."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {raw!r}.")
    return value


RATE = re.compile(r"\d+/\d*[smhd]")


def env_rate(name: str, default: str | None) -> str | None:
    """Read a rate limit such as "30/h" or "120/m" (django-ratelimit's format); "off" switches it off."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"off", "none", "0"}:
        return None
    if not RATE.fullmatch(raw):
        raise ImproperlyConfigured(f"{name} must look like 30/h (a count per s, m, h or d) or be off, not {raw!r}.")
    return raw


def env_base_url(name: str, default: str) -> str:
    """Read a site's base URL (scheme, host and optional port, no path); returned without a trailing slash."""
    raw = (os.environ.get(name) or default).strip()
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 - reading it checks that the port is a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"{name} must be the site's address with http:// or https://, a host and an optional port, "
            f"e.g. https://hub.example.org or http://127.0.0.1:8000, not {raw!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"
