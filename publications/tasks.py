"""Background work of the publications app: the tasks live beside the workflows they run
(publications.services); this module keeps their old import path for callers and queued rows."""

from publications.services import EXTRACTION_QUEUE, extract_document_pdf

__all__ = ["EXTRACTION_QUEUE", "extract_document_pdf"]
