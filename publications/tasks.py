"""Background work of the publications app."""

from django_tasks import task

from publications import services


@task()
def extract_document_pdf(document_id: int, force: bool = False) -> str:
    """Read a document's PDF into its PdfExtraction record; returns the final status."""
    record = services.run_extraction(document_id, force=force)
    return record.status if record else "gone"
