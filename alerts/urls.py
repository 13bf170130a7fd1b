"""Alerts: the subscription form and the signed links in alert emails."""

from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/new/", views.subscribe, name="subscribe"),
    path("alerts/requested/", views.requested, name="requested"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
