from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = "Taxonomy"

    def ready(self) -> None:
        from themes import signals

        signals.connect()
