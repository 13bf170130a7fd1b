"""Signing in to the admin is throttled: repeated wrong passwords lock that username at that address out."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("editor", "e@example.org", "right-password-123", is_staff=True)


def attempt(client, password: str, username: str = "editor", address: str = "198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_eight_wrong_passwords_are_refused_and_then_even_the_right_one_waits(client, staff, settings):
    statuses = [attempt(client, f"wrong-{n}").status_code for n in range(8)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}
    locked = attempt(client, "right-password-123")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many attempts to sign in" in html and "15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"wrong-{n}")
    # The same person from another address, and another account from the locked address, may sign in.
    assert attempt(client, "right-password-123", address="203.0.113.50").status_code == 302
    client.logout()
    get_user_model().objects.create_user("other", "o@example.org", "other-password-123", is_staff=True)
    assert attempt(client, "other-password-123", username="other").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"wrong-{n}")
    assert attempt(client, "right-password-123").status_code == 302
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, f"wrong-again-{n}").status_code == 200
