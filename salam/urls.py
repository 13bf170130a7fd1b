"""URL map: public app endpoints first, Wagtail's page tree last (it catches everything else)."""

from django.conf import settings
from django.urls import include, path, re_path, register_converter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from salam import views
from salam.numbers import IdConverter

# Before the apps' URL modules are read: they use <id:...> for every id in a path.
register_converter(IdConverter, "id")

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("", include("repository.urls")),
    path("", include("search.urls")),
    path("", include("themes.urls")),
    path("", include("publications.urls")),
    path("", include("lectures.urls")),
    path("", include("alerts.urls")),
    path("", include("usage.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.SERVE_MEDIA:
    # Not django's static(): documents must go through Wagtail's serve view and its access checks.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", views.serve_media_in_debug)]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "salam.views.page_not_found"
handler500 = "salam.views.server_error"
