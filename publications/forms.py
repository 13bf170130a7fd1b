"""The Wagtail document form, extended so a file that claims to be a PDF has to be one.

Enabled with WAGTAILDOCS_DOCUMENT_FORM_BASE = "publications.forms.PublicationDocumentForm".
"""

from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm

from publications.exceptions import PdfRejected
from publications.validators import check_pdf_file

PDF_CONTENT_TYPES = {"application/pdf", "application/x-pdf"}


class PublicationDocumentForm(BaseDocumentForm):
    """Checks the content (signature, size limit) of uploads named .pdf or sent as PDF."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        name = getattr(upload, "name", "") or ""
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
        if name.lower().endswith(".pdf") or content_type in PDF_CONTENT_TYPES:
            try:
                check_pdf_file(upload, name)
            except PdfRejected as exc:
                raise ValidationError(str(exc), code="not_a_pdf") from exc
            finally:
                upload.seek(0)
        return upload

    def _post_clean(self) -> None:
        refused = list(self.errors.get("file", []))
        super()._post_clean()
        if refused:
            # Document.clean() then checks the extension of the file it was never given ("" is not
            # allowed, and here is every extension the site takes): keep only the message that
            # says what is wrong with the upload.
            self._errors["file"] = self.error_class(refused, renderer=self.renderer)
