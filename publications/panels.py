"""The "Extracted text" panel on the publication edit form: status, reason, page count, preview."""

from typing import Any

from django.urls import reverse
from wagtail.admin.panels import Panel

TEMPLATE = "publications/admin/extraction_panel.html"
#: While the record is in one of these states the panel asks the admin script to refresh it.
# (ExtractionStatus values: publications.models imports this module, so not the other way round.)
UNFINISHED = {"pending", "running"}


def extraction_panel_context(page: Any) -> dict[str, Any]:
    """What the extraction panel shows for a page (the version in the editor)."""
    record = page.extraction if getattr(page, "pdf_id", None) else None
    unfinished = record is not None and record.status in UNFINISHED
    return {
        "page": page,
        "has_pdf": bool(getattr(page, "pdf_id", None)),
        "record": record,
        "preview": record.preview(800) if record and record.pages else "",
        "rerun_url": (
            reverse("publications_admin:rerun_extraction", args=[page.pk]) if page.pk and record is not None else ""
        ),
        "refresh_url": (
            reverse("publications_admin:extraction_panel", args=[page.pk]) if page.pk and unfinished else ""
        ),
    }


class ExtractionPanel(Panel):
    """Shows what the background reader made of the page's PDF, with a link to run it again."""

    class BoundPanel(Panel.BoundPanel):
        template_name = TEMPLATE

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(extraction_panel_context(self.instance))
            return context
