from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SalamConfig(AppConfig):
    name = "salam"
    verbose_name = "SALAM site"

    def ready(self) -> None:
        from salam.admin_search import index_after_migrate
        from salam.site_chrome import connect_signals

        connect_signals()

        # Sent once per app after `migrate`; the salam app's is enough to index every snippet.
        post_migrate.connect(index_after_migrate, sender=self, dispatch_uid="salam_admin_search_index")
