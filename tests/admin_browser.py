"""Signing a browser into the Wagtail admin for browser tests, without typing a password."""

from django.conf import settings
from django.test import Client


def admin_browser_page(browser, live_server, user, *, width: int = 1280, height: int = 900):
    """A Playwright page whose session belongs to `user` (made with the test client's force_login)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()
