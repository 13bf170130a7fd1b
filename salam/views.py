"""Site-wide views: health check and error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers; used by load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the friendly 404 page with the site's header and search box."""
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render a self-contained 500 page: no database, no context processors that might fail again."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)
