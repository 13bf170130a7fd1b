"""The impact pages and their CSV exports."""

from django.urls import path

from usage import views

app_name = "usage"
urlpatterns = [
    path("impact/", views.impact, name="impact"),
    path("impact/figures.csv", views.impact_csv, name="impact_csv"),
    path("impact/authors/<id:author_id>/", views.author_impact, name="author"),
    path("impact/authors/<id:author_id>/figures.csv", views.author_csv, name="author_csv"),
    path("impact/publications/<id:page_id>/", views.publication_impact, name="publication"),
    path("impact/publications/<id:page_id>/figures.csv", views.publication_csv, name="publication_csv"),
]
