from django.apps import AppConfig


class SearchConfig(AppConfig):
    label = "search"
    verbose_name = "Public search"
    name = "search"
