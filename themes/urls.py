"""Landing pages for each country, theme and GCM objective."""

from django.urls import path

from themes import views

app_name = "themes"
urlpatterns = [
    path("themes/", views.taxonomy_index, name="index"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("gcm/<id:number>/", views.gcm_detail, name="gcm"),
]
