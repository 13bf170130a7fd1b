"""Two-factor sign-in for the admin: a code from an authenticator app (TOTP, django-otp) after the password.

An editor turns it on from their account (a QR code or the key, then one code to confirm); from
then on the admin asks for a code after every password sign-in. TWO_FACTOR_REQUIRED_FOR_STAFF makes
it compulsory for staff accounts: one without a device is sent to set it up. Each code is accepted
once (django-otp remembers the last time step used) and wrong codes slow further tries down.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

# Admin addresses a signed-in person who still owes a code may reach (everything else sends them on).
OPEN_BEFORE_CODE = ("/admin/two-factor/", "/admin/login/", "/admin/logout/", "/admin/jsi18n/")
DEVICE_NAME = "Authenticator app"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return code


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator, once they have confirmed it with a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def must_use_codes(user) -> bool:
    """Whether this account signs in with a code: it turned codes on, or staff must."""
    return confirmed_device(user) is not None or (settings.TWO_FACTOR_REQUIRED_FOR_STAFF and user.is_staff)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


class TwoFactorMiddleware:
    """After the password, hold a session that owes a code to the code page (or to setting codes up)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith(OPEN_BEFORE_CODE)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and must_use_codes(user)
        ):
            step = "two_factor_verify" if confirmed_device(user) else "two_factor_setup"
            return HttpResponseRedirect(f"{reverse(step)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code after the password; a wrong or already used code is refused."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        logger.warning("Wrong or reused sign-in code for user %s", request.user.pk)
        form.add_error(
            "code",
            "That code is not right, or was used already. Wait for the next one."
            if allowed
            else "Too many wrong codes: wait a minute before trying again.",
        )
    return render(request, "salam/two_factor/verify.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Turn codes on: show the key (and its QR code), confirm with the first code."""
    if confirmed_device(request.user) is not None:
        return render(request, "salam/two_factor/manage.html", {"required": settings.TWO_FACTOR_REQUIRED_FOR_STAFF})
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            logger.info("User %s turned two-factor sign-in on", request.user.pk)
            messages.success(request, "Two-factor sign-in is on: the admin will ask for a code after your password.")
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(
            "code",
            "That code is not right. Check the app shows the SALAM account and try the next code."
            if allowed
            else "Too many wrong codes: wait a minute before trying again.",
        )
    uri = device.config_url
    context = {
        "form": form,
        "key": _base32_key(device),
        # segno writes the SVG itself from the key alone: nothing a user typed reaches it.
        "qr": mark_safe(segno.make(uri, error="m").svg_inline(scale=4, title="QR code of your sign-in key")),  # noqa: S308
        "next": _safe_next(request),
    }
    return render(request, "salam/two_factor/setup.html", context)


@require_http_methods(["POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    """Turn codes off (not while the setting requires them for staff); needs a current code."""
    device = confirmed_device(request.user)
    form = CodeForm(request.POST)
    if device is None:
        return redirect("two_factor_setup")
    if settings.TWO_FACTOR_REQUIRED_FOR_STAFF and request.user.is_staff:
        messages.error(request, "Two-factor sign-in is required for staff on this hub and cannot be turned off.")
    elif form.is_valid() and device.verify_token(form.cleaned_data["code"]):
        TOTPDevice.objects.filter(user=request.user).delete()
        logger.info("User %s turned two-factor sign-in off", request.user.pk)
        messages.success(request, "Two-factor sign-in is off.")
    else:
        messages.error(request, "That code is not right: two-factor sign-in stays on.")
    return redirect("two_factor_setup")


def _base32_key(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
