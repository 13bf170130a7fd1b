"""URLs of the lectures app (views are added by the issue that builds them)."""

app_name = "lectures"
urlpatterns: list = []
