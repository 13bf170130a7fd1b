"""Site-wide views: health check, error pages and the sign-in lockout page."""

import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.static import serve


def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers; used by load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def sign_in_locked(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """The page django-axes shows instead of the sign-in form while a username and address are locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return HttpResponse(loader.render_to_string("salam/login_locked.html", {"minutes": minutes}, request), status=429)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the friendly 404 page with the site's header and search box."""
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render a self-contained 500 page: no database, no context processors that might fail again."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def serve_media_in_debug(request: HttpRequest, path: str) -> HttpResponse:
    """Serve uploads during development, except Wagtail documents.

    Documents (publication PDFs among them) are only served by /documents/<id>/..., where the
    draft, privacy and embargo checks run; a direct file URL would skip them. The path is judged
    as ``static.serve`` will read it (``./``, ``x/../`` and doubled slashes collapsed), and only a
    path already in that form is served, so no spelling reaches a document.
    """
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised != path or normalised == "documents" or normalised.startswith("documents/"):
        raise Http404("Documents are served from /documents/.")
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)
