"""The OAI-PMH endpoint and robots.txt."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from repository.oai import Harvest


@csrf_exempt  # harvesters may POST (protocol 3.1.1); nothing here changes state
@require_http_methods(["GET", "POST"])
def oai_pmh(request: HttpRequest) -> HttpResponse:
    """Answer one OAI-PMH request; protocol errors are XML with status 200, as the protocol says."""
    return HttpResponse(Harvest(request).respond(), content_type="text/xml; charset=utf-8")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers: everything public, not the admin, searches with parameters or per-person links."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # The search page without parameters is a landing page; each query and filter combination is not.
        "Disallow: /search/?",
        "Disallow: /search/export.bib",
        "Disallow: /search/feed/",
        "Disallow: /api/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('repository:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
