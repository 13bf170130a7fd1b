from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "Publications"

    def ready(self) -> None:
        from publications import receivers  # noqa: F401  (connects the signal receivers)
        from publications.models import PublicationPage
        from salam.documents import register_document_use

        register_document_use(PublicationPage, "pdf", withheld=PublicationPage.pdf_withheld_reason)
