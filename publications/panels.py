"""The "Extracted text" panel on the publication edit form: status, reason, page count, preview."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class ExtractionPanel(Panel):
    """Shows what the background reader made of the page's PDF, with a link to run it again."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "publications/admin/extraction_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            record = page.extraction if getattr(page, "pdf_id", None) else None
            context.update(
                {
                    "page": page,
                    "has_pdf": bool(getattr(page, "pdf_id", None)),
                    "record": record,
                    "preview": record.preview(800) if record and record.pages else "",
                    "rerun_url": (
                        reverse("publications_admin:rerun_extraction", args=[page.pk])
                        if page.pk and record is not None
                        else ""
                    ),
                }
            )
            return context
