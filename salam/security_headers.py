"""Content-Security-Policy: the strict public policy everywhere, the admin's own policy under /admin/."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing ADMIN_CSP_DIRECTIVES for the admin's addresses.

    Public pages carry no inline script or style, so their policy forbids both; Wagtail's admin
    writes some of each, so under ADMIN_CSP_PREFIXES it gets a policy that allows them. A view that
    sets its own policy (django-csp's decorators) keeps it.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        """The policy for this response: the admin's under the admin prefixes, otherwise the settings'."""
        parts = super().get_policy_parts(request, response, report_only=report_only)
        setting = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        in_force = getattr(settings, setting, None)
        if parts.config is None and in_force and request.path_info.startswith(tuple(settings.ADMIN_CSP_PREFIXES)):
            parts.config = default_config(settings.ADMIN_CSP_DIRECTIVES)
        return parts
