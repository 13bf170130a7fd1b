"""OAI-PMH, sitemap, robots.txt and the Atom feeds."""

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from repository import feeds, views
from repository.sitemaps import SITEMAPS

app_name = "repository"
urlpatterns = [
    path("oai", views.oai_pmh, name="oai"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feeds/publications/", feeds.PublicationFeed(), name="publications_feed"),
    path("feeds/publications/<str:facet>/<str:value>/", feeds.PublicationFeed(), name="publications_facet_feed"),
    path("feeds/lectures/upcoming/", feeds.LectureFeed(), {"which": "upcoming"}, name="upcoming_lectures_feed"),
    path("feeds/lectures/recordings/", feeds.LectureFeed(), {"which": "recordings"}, name="recordings_feed"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
]
