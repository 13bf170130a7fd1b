from django.apps import AppConfig


class RepositoryConfig(AppConfig):
    """The open repository: OAI-PMH, the sitemap, robots.txt and Atom feeds."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "repository"
    verbose_name = "Open repository"

    def ready(self) -> None:
        from repository import signals

        signals.connect()
