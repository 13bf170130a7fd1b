from django.apps import AppConfig


class LecturesConfig(AppConfig):
    name = "lectures"
    verbose_name = "Lectures"

    def ready(self) -> None:
        from lectures import (
            operations,
            presentation,
            receivers,  # noqa: F401  (connects the publish receivers)
        )
        from lectures.models import LectureIndexPage, LecturePage
        from salam.content import register_content_type
        from salam.documents import register_document_use
        from themes.tagged import preload_taxonomy

        register_content_type(
            LecturePage,
            select_related=("series",),
            prefetch_related=("lecture_speakers__speaker",),
            preload=preload_taxonomy,
        )
        register_document_use(LecturePage, "slides")
        # The pages' context needs forms and services, which import the models: set here, not imported there.
        LectureIndexPage.build_context = staticmethod(presentation.lecture_index_context)
        LecturePage.build_context = staticmethod(presentation.lecture_page_context)
        operations.register()  # the demo loader, with salam, which imports no app
