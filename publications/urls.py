"""Public URLs of the publications app (the pages themselves are served by Wagtail)."""

from django.urls import path

from publications import covers, views

app_name = "publications"
urlpatterns = [
    path("publications/<id:page_id>/cite.bib", views.cite, {"fmt": "bib"}, name="cite_bib"),
    path("publications/<id:page_id>/cite.ris", views.cite, {"fmt": "ris"}, name="cite_ris"),
    path("publications/<id:page_id>/cite.json", views.cite, {"fmt": "json"}, name="cite_json"),
    path("publications/<id:page_id>/pdf", views.pdf, name="pdf"),
    path("publications/<id:page_id>/cover", covers.cover_view, name="cover"),
]
