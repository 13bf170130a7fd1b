"""Security headers: a strict Content-Security-Policy on public pages, the admin's own, and the usual others."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from salam.security_headers import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/healthz", "/no-such-page/", "/api/v1/openapi.json"]


def directives(header: str) -> dict[str, list[str]]:
    """A policy header as {directive: [sources]}."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_forbid_inline_script_and_style(client, path):
    policy = directives(client.get(path).headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # Only the admin's preview may frame a page.
    assert policy["frame-ancestors"] == ["'self'"]
    # Lecture recordings play in the providers' frames, and nothing else comes from elsewhere.
    assert policy["frame-src"] == ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_the_admin_has_its_own_policy_that_allows_what_wagtail_writes_inline(client):
    policy = directives(client.get("/admin/login/").headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"]


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_the_other_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(item.strip().split("=", 1) for item in headers["Permissions-Policy"].split(","))
    for denied in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[denied] == "()", denied
    assert features["fullscreen"] == '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'


def test_report_only_mode_reports_and_blocks_nothing(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    public, admin = client.get("/"), client.get("/admin/login/")
    assert "Content-Security-Policy" not in public.headers and "Content-Security-Policy" not in admin.headers
    assert directives(public.headers["Content-Security-Policy-Report-Only"])["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in directives(admin.headers["Content-Security-Policy-Report-Only"])["script-src"]


def test_a_report_address_is_added_to_both_policies(settings, client):
    for name in ("PUBLIC_CSP_DIRECTIVES", "ADMIN_CSP_DIRECTIVES"):
        setattr(settings, name, {**getattr(settings, name), "report-uri": ["/csp-reports/"]})
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.PUBLIC_CSP_DIRECTIVES}
    assert "report-uri /csp-reports/" in client.get("/").headers["Content-Security-Policy"]
    assert "report-uri /csp-reports/" in client.get("/admin/login/").headers["Content-Security-Policy"]


def test_documents_keep_wagtails_own_stricter_policy():
    """Wagtail serves uploaded files with a policy that forbids any script; ours must not replace it."""

    def view(request):
        response = HttpResponse("file")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/documents/1/report.pdf"))
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
