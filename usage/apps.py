from django.apps import AppConfig


class UsageConfig(AppConfig):
    label = "usage"
    verbose_name = "Usage figures"
    name = "usage"
    default_auto_field = "django.db.models.BigAutoField"
