"""Background work of the publications app."""

from django_tasks import task

from publications import services

#: Extraction runs on its own queue (settings.TASK_QUEUES): a 50 MB junk PDF may hold its worker for the
#: whole time limit, while emails and indexing go on in the default queue's workers.
EXTRACTION_QUEUE = "extraction"


@task(queue_name=EXTRACTION_QUEUE)
def extract_document_pdf(document_id: int, force: bool = False) -> str:
    """Read a document's PDF into its PdfExtraction record; returns the final status."""
    record = services.run_extraction(document_id, force=force)
    return record.status if record else "gone"
