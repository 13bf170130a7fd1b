from django.apps import AppConfig


class LecturesConfig(AppConfig):
    name = "lectures"
    verbose_name = "Lectures"

    def ready(self) -> None:
        from lectures import receivers  # noqa: F401  (connects the publish receivers)
        from lectures.models import LecturePage
        from salam.documents import register_document_use

        register_document_use(LecturePage, "slides")
