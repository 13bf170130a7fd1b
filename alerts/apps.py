from django.apps import AppConfig


class AlertsConfig(AppConfig):
    label = "alerts"
    verbose_name = "Email alerts"
    name = "alerts"
    default_auto_field = "django.db.models.BigAutoField"
