"""Public search page, citation export, evidence map and the JSON API."""

from django.urls import path

from search import views
from search.api import api, api_asset

app_name = "search"
urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("search/export.bib", views.export_bibtex, name="export_bibtex"),
    path("evidence-map/", views.evidence_map, name="evidence_map"),
    path("evidence-map.csv", views.evidence_map_csv, name="evidence_map_csv"),
    path("evidence-map.svg", views.evidence_map_svg, name="evidence_map_svg"),
    path("evidence-map.png", views.evidence_map_png, name="evidence_map_png"),
    path("api/v1/docs/assets/<str:name>", api_asset, name="api_asset"),
    path("api/v1/", api.urls),
]
