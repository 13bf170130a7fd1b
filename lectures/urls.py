"""Public endpoints of the lectures app that are not pages: calendars, captions and signed links.

Paths contain a dot or sit two levels under the lecture list, so they never shadow a page's URL.
"""

from django.urls import path

from lectures import views

app_name = "lectures"
urlpatterns = [
    path("lectures/feed.ics", views.calendar_feed, name="feed"),
    path("lectures/<id:pk>/register/", views.register, name="register"),
    path("lectures/<id:pk>/calendar.ics", views.lecture_calendar, name="calendar"),
    path("lectures/<id:pk>/transcript.vtt", views.transcript_vtt, name="transcript_vtt"),
    path("lectures/registration/cancel/<str:token>/", views.cancel_registration, name="cancel"),
    path("lectures/registration/forget/<str:token>/", views.forget_registration, name="forget"),
]
