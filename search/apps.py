from django.apps import AppConfig


class SearchConfig(AppConfig):
    label = "search"
    verbose_name = "Public search"
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from salam.backup import register_backup_part
        from search import backup, landing, signals
        from themes.landing import register_figures

        signals.connect()
        register_figures(landing.landing_figures)
        register_backup_part(backup.PART)
        from search import operations

        operations.register()  # with salam, which imports no app
