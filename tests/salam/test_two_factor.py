"""Two-factor sign-in: an editor turns it on, then the admin asks for a code; bad and reused codes fail."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-123"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", "e@example.org", PASSWORD, is_staff=True, is_superuser=True)


def current_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the editor's app shows now (or offset_steps time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def sign_in(client):
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    return response


def turn_on(client, editor) -> TOTPDevice:
    sign_in(client)
    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="two-factor-key"' in html and "style=" not in html.split("<svg", 1)[1][:2000]
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert (
        client.post(
            "/admin/two-factor/", {"code": "000000" if current_code(device) != "000000" else "111111"}
        ).status_code
        == 200
    )
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # A wrong code makes the next try wait a moment (django-otp's throttling); the editor waits.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/admin/two-factor/", {"code": current_code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response.url == "/admin/pages/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_without_codes_the_password_is_enough(client, editor):
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_an_editor_turns_codes_on_and_then_sign_in_asks_for_one(client, editor):
    device = turn_on(client, editor)
    # The session that turned it on has given a code already.
    assert client.get("/admin/").status_code == 200
    client.logout()

    sign_in(client)
    held = client.get("/admin/pages/")
    assert held.status_code == 302 and held.url.startswith("/admin/two-factor/verify/?next=/admin/pages/")
    # Every admin page waits for the code, not only the dashboard.
    assert client.get("/admin/users/").status_code == 302
    form = client.get(held.url)
    assert form.status_code == 200 and 'autocomplete="one-time-code"' in form.content.decode()

    # A later code (the app's next one) is accepted; then that very code cannot be used again.
    code = current_code(device, offset_steps=1)
    done = client.post("/admin/two-factor/verify/", {"code": code, "next": "/admin/pages/"})
    assert done.status_code == 302 and done.url == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200

    client.logout()
    sign_in(client)
    reused = client.post("/admin/two-factor/verify/", {"code": code})
    assert reused.status_code == 200
    assert "was used already" in reused.content.decode()
    assert client.get("/admin/").status_code == 302


FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14\uff15\uff16"


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", FULLWIDTH_DIGITS, "' OR 1=1", "000000"])
def test_bad_codes_are_refused_with_a_message(client, editor, bad):
    device = turn_on(client, editor)
    client.logout()
    sign_in(client)
    if bad == current_code(device):
        bad = "999999"
    response = client.post("/admin/two-factor/verify/", {"code": bad})
    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_slow_further_tries_down(client, editor):
    device = turn_on(client, editor)
    client.logout()
    sign_in(client)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    client.post("/admin/two-factor/verify/", {"code": wrong})
    # Straight after a failure even the right code waits (django-otp's throttling).
    response = client.post("/admin/two-factor/verify/", {"code": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()


def test_next_never_leaves_the_site(client, editor):
    device = turn_on(client, editor)
    client.logout()
    sign_in(client)
    response = client.post(
        "/admin/two-factor/verify/", {"code": current_code(device, 1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/admin/"


def test_required_for_staff_sends_an_account_without_codes_to_set_them_up(client, editor, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    sign_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/two-factor/?next=")
    assert client.get("/admin/two-factor/").status_code == 200


def test_turning_codes_off_needs_a_code_and_is_refused_when_required(client, editor, settings):
    device = turn_on(client, editor)
    client.post("/admin/two-factor/off/", {"code": "not-a-code"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    client.post("/admin/two-factor/off/", {"code": current_code(device, 1)})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = False
    client.post("/admin/two-factor/off/", {"code": current_code(device, 1)})
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_anonymous_visitors_cannot_reach_the_code_pages(client):
    for path in ("/admin/two-factor/", "/admin/two-factor/verify/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert client.post("/admin/two-factor/off/", {"code": "123456"}).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_the_account_page_offers_it(client, editor):
    sign_in(client)
    assert "/admin/two-factor/" in client.get("/admin/account/").content.decode()
