"""URLs of the publications app (views are added by the issue that builds them)."""

app_name = "publications"
urlpatterns: list = []
