"""Publication workflows that span several objects: PDF checks and extraction, who may download
a PDF, and how a publications index is wired to groups and the review workflow."""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, Revision, Workflow, WorkflowPage

from publications.citations import CitationLinks, to_bibtex
from publications.models import ExtractionStatus, PdfExtraction, PublicationIndexPage, PublicationPage
from publications.signals import pdf_extraction_failed, pdf_text_extracted

# The PDF checks live with the field rules (the page's clean() uses them); callers may import them here too.
from publications.validators import check_document_is_pdf, check_pdf_file, pdf_max_upload_bytes  # noqa: F401
from salam.content import text_changed

logger = logging.getLogger(__name__)

#: Extraction runs on its own queue (settings.TASK_QUEUES): a 50 MB junk PDF may hold its worker for the
#: whole time limit, while emails and indexing go on in the default queue's workers.
EXTRACTION_QUEUE = "extraction"
# Where the task lived before it moved beside the workflow it runs; rows queued then still count.
FORMER_TASK_PATHS = ("publications.tasks.extract_document_pdf",)

RESEARCHERS = "Researchers"
EDITORS = "Editors"
REVIEW_WORKFLOW = "Publication review"
# The workflow has one task; Wagtail shows both names ("Submit to ...", "In moderation: ..."), so
# they are the same words (migration 0005 renamed the task, once "Editorial review").
REVIEW_TASK = REVIEW_WORKFLOW
# Page permissions each group gets on every publications index (and so on the publications in it).
INDEX_PERMISSIONS = {
    RESEARCHERS: ["add_page"],  # "add" also lets them edit the pages they created, and only those
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


# --- Extraction -------------------------------------------------------------------------------


def request_extraction(document_id: int | None, *, force: bool = False, sha256: str = "") -> PdfExtraction | None:
    """Make sure the document's current file is (or will be) read; enqueue a task when it is new or changed.

    Cheap enough to call on every save: it compares the stored file name, size and hash with the
    record and does nothing when they match (unless ``force``). The reading happens in a task.
    """
    if not document_id:
        return None
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not document.file:
        return None
    with transaction.atomic():
        record, created = PdfExtraction.objects.select_for_update().get_or_create(
            document=document, defaults=_file_snapshot(document, sha256)
        )
        if not created:
            if not force and record.describes(document):
                return record
            _reset(record, document, sha256)
    extract_document_pdf.enqueue(document.pk, force=force)
    logger.info("PDF extraction requested for document %s (force=%s)", document.pk, force)
    return record


def _file_snapshot(document, sha256: str = "") -> dict:
    return {
        "file_name": document.file.name,
        "file_size": document.file_size,
        "file_hash": document.file_hash or "",
        "sha256": sha256,
        "status": ExtractionStatus.PENDING,
        "requested_at": timezone.now(),
    }


def _reset(record: PdfExtraction, document, sha256: str = "") -> None:
    for field, value in _file_snapshot(document, sha256).items():
        setattr(record, field, value)
    record.reason = record.message = record.language = ""
    record.pages, record.metadata, record.page_count = [], {}, None
    record.reused_from = None
    record.started_at = record.finished_at = None
    record.save()


@contextlib.contextmanager
def local_copy(document) -> Iterator[str]:
    """A filesystem path for the document's file (a temporary copy when storage is remote)."""
    try:
        yield document.file.path
        return
    except NotImplementedError:
        pass
    with tempfile.TemporaryDirectory(prefix="salam-pdf-") as folder:
        path = os.path.join(folder, "document.pdf")
        with document.open_file() as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def run_extraction(document_id: int, *, force: bool = False) -> PdfExtraction | None:
    """Read the document's PDF (or reuse the result for the same sha256) and store the outcome."""
    from publications.pdf import MESSAGES, ExtractionLimits, extract_pdf_text, sha256_of_file

    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    with transaction.atomic():
        record = PdfExtraction.objects.select_for_update().filter(document=document).first()
        if record is None:
            record = PdfExtraction.objects.create(document=document, **_file_snapshot(document))
        elif not record.describes(document):
            _reset(record, document)
        elif record.is_finished and not force:
            return record  # a duplicate task: the work is done
        elif record.status == ExtractionStatus.RUNNING and not force and _still_running(record):
            return record  # another worker is reading this file right now
        record.status = ExtractionStatus.RUNNING
        record.started_at = timezone.now()
        record.attempts += 1
        record.save(update_fields=["status", "started_at", "attempts", "updated_at"])
        snapshot = record.file_name

    outcome: dict
    donor = None
    try:
        with local_copy(document) as path:
            sha256 = sha256_of_file(path)
            if not force:
                donor = (
                    PdfExtraction.objects.filter(
                        sha256=sha256, status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED]
                    )
                    .exclude(pk=record.pk)
                    .exclude(reason=INTERRUPTED)  # says the worker died, not what the file is
                    .order_by("-finished_at")
                    .first()
                )
            if donor is not None:
                outcome = _outcome_of(donor)
            else:
                result = extract_pdf_text(path, ExtractionLimits.from_settings())
                outcome = {
                    "status": result.status,
                    "reason": result.reason or "",
                    "message": result.message or "",
                    "pages": list(result.pages or []),
                    "page_count": result.page_count,
                    "metadata": dict(result.metadata or {}),
                    "language": result.language or "",
                }
                sha256 = result.sha256 or sha256
    except FileNotFoundError:
        sha256 = ""
        outcome = {
            "status": ExtractionStatus.FAILED,
            "reason": "missing_file",
            "message": MESSAGES["missing_file"],
            "pages": [],
            "page_count": None,
            "metadata": {},
            "language": "",
        }

    with transaction.atomic():
        record = PdfExtraction.objects.select_for_update().get(pk=record.pk)
        if record.file_name != snapshot:
            # The file was replaced while we read the old one; the task queued for the new file wins.
            logger.info("Discarding extraction of a replaced file for document %s", document_id)
            return record
        for field, value in outcome.items():
            setattr(record, field, value)
        if record.status not in (ExtractionStatus.DONE, ExtractionStatus.FAILED):
            record.status = ExtractionStatus.FAILED
        record.sha256 = sha256
        record.reused_from = donor
        record.finished_at = timezone.now()
        record.save()
        if record.status == ExtractionStatus.DONE:
            transaction.on_commit(lambda: announce_extracted_text(document_id))
        else:
            transaction.on_commit(lambda: announce_extracted_text(document_id, signal=pdf_extraction_failed))
    logger.info(
        "PDF extraction for document %s: %s %s%s",
        document_id,
        record.status,
        record.reason,
        f" (reused from {donor.pk})" if donor else "",
    )
    return record


def extraction_patience() -> datetime.timedelta:
    """How long a started extraction may take before its worker must have died (it enforces the timeout)."""
    return datetime.timedelta(seconds=2 * float(settings.PDF_EXTRACT_TIMEOUT_S) + 60)


def _still_running(record: PdfExtraction) -> bool:
    """True while a started extraction may still finish (its worker enforces the timeout)."""
    if record.started_at is None:
        return False
    return timezone.now() - record.started_at < extraction_patience()


# --- Stuck work -----------------------------------------------------------------------------------

MAX_EXTRACTION_ATTEMPTS = 3
INTERRUPTED = "interrupted"
# A task is enqueued when a record becomes pending; a record still pending this long after with no
# task in the queue lost it (enqueued into a database that was rolled back, a queue that was wiped).
LOST_TASK_AFTER = datetime.timedelta(minutes=30)


@dataclass
class StuckExtractionSweep:
    """What one sweep of stuck extractions did."""

    requeued_running: int = 0
    requeued_pending: int = 0
    interrupted: int = 0

    @property
    def total(self) -> int:
        return self.requeued_running + self.requeued_pending + self.interrupted

    def __str__(self) -> str:
        return (
            f"{self.requeued_running} interrupted extractions queued again, {self.requeued_pending} lost tasks "
            f"queued again, {self.interrupted} failed after {MAX_EXTRACTION_ATTEMPTS} interruptions"
        )


def sweep_stuck_extractions(*, now: datetime.datetime | None = None) -> StuckExtractionSweep:
    """Queue again the extractions whose worker died or whose task was lost; fail them after 3 tries."""
    from publications.pdf import MESSAGES

    now = now or timezone.now()
    report = StuckExtractionSweep()
    requeue: list[int] = []
    with transaction.atomic():
        # skip_locked: a record locked by a worker starting it right now is not stuck.
        running = (
            PdfExtraction.objects.select_for_update(skip_locked=True)
            .filter(status=ExtractionStatus.RUNNING)
            .filter(Q(started_at__lt=now - extraction_patience()) | Q(started_at__isnull=True))
        )
        for record in running:
            if record.attempts < MAX_EXTRACTION_ATTEMPTS:
                record.status, record.requested_at = ExtractionStatus.PENDING, now
                record.save(update_fields=["status", "requested_at", "updated_at"])
                requeue.append(record.document_id)
                report.requeued_running += 1
            else:
                record.status, record.reason, record.finished_at = ExtractionStatus.FAILED, INTERRUPTED, now
                record.message = MESSAGES[INTERRUPTED].format(attempts=record.attempts)
                record.save(update_fields=["status", "reason", "message", "finished_at", "updated_at"])
                report.interrupted += 1
        lost = (
            PdfExtraction.objects.select_for_update(skip_locked=True)
            .filter(status=ExtractionStatus.PENDING, requested_at__lt=now - LOST_TASK_AFTER)
            .exclude(document_id__in=_documents_with_queued_extraction(now))
        )
        for record in lost:
            # A new request time: the next sweep gives this task as long as the first one had.
            record.requested_at = now
            record.save(update_fields=["requested_at", "updated_at"])
            requeue.append(record.document_id)
            report.requeued_pending += 1
    # Enqueued after the commit, so the worker finds the records pending. If enqueueing fails, the
    # records stay pending and the next sweep after LOST_TASK_AFTER tries again.
    for document_id in requeue:
        extract_document_pdf.enqueue(document_id)
    if report.total:
        logger.warning("stuck PDF extractions: %s", report)
    return report


def _documents_with_queued_extraction(now: datetime.datetime) -> set[int]:
    """Documents with an extraction task waiting in the database queue, or running in a live worker."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # A task a dead worker left "running" stays so for ever; after the patience it no longer counts.
    paths = (extract_document_pdf.module_path, *FORMER_TASK_PATHS)
    tasks = DBTaskResult.objects.filter(task_path__in=paths).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - extraction_patience())
    )
    documents: set[int] = set()
    for args_kwargs in tasks.values_list("args_kwargs", flat=True):
        args, kwargs = args_kwargs.get("args") or [], args_kwargs.get("kwargs") or {}
        document_id = args[0] if args else kwargs.get("document_id")
        if isinstance(document_id, int):
            documents.add(document_id)
    return documents


def _outcome_of(record: PdfExtraction) -> dict:
    return {
        "status": record.status,
        "reason": record.reason,
        "message": record.message,
        "pages": list(record.pages),
        "page_count": record.page_count,
        "metadata": dict(record.metadata),
        "language": record.language,
    }


def pages_using_document(document_id: int) -> list[PublicationPage]:
    """Publications whose stored row or latest revision has this document as the PDF.

    A live page whose new PDF exists only in a draft is returned as its live version (so nothing
    reading it can publish draft content by mistake); pages never published are returned as their
    latest revision, which is the only version there is.
    """
    content_type = ContentType.objects.get_for_model(PublicationPage)
    draft_revision_ids = Revision.objects.filter(content_type=content_type, content__pdf=document_id).values("id")
    pages = PublicationPage.objects.filter(pdf_id=document_id) | PublicationPage.objects.filter(
        latest_revision_id__in=draft_revision_ids
    )
    return [
        page if page.live or not page.latest_revision_id else page.get_latest_revision_as_object()
        for page in pages.distinct().order_by("pk")
    ]


def announce_extracted_text(document_id: int, signal: Signal = pdf_text_extracted) -> None:
    """Send the signal (text read or not) and text_changed for each publication using the document.

    A failing receiver spoils nothing.
    """
    for page in pages_using_document(document_id):
        responses = signal.send_robust(sender=PublicationPage, page=page)
        responses += text_changed.send_robust(sender=PublicationPage, page=page)
        for receiver, response in responses:
            if isinstance(response, Exception):
                logger.error(
                    "extraction signal receiver %r failed for page %s",
                    receiver,
                    page.pk,
                    exc_info=(type(response), response, response.__traceback__),
                )


@task(queue_name=EXTRACTION_QUEUE)
def extract_document_pdf(document_id: int, force: bool = False) -> str:
    """Read a document's PDF into its PdfExtraction record; returns the final status."""
    record = run_extraction(document_id, force=force)
    return record.status if record else "gone"


# --- Citations ------------------------------------------------------------------------------


def bibtex_for_pages(page_ids: list[int], request: HttpRequest) -> list[str]:
    """BibTeX for the live, public publications among `page_ids`, in that order (salam.content's export)."""
    pages = {
        page.pk: page
        for page in PublicationPage.objects.live()
        .public()
        .filter(pk__in=page_ids)
        .select_related("institution")
        .prefetch_related("publication_authors__author", "keywords")
    }
    entries = []
    for page_id in page_ids:  # in the order of the results
        page = pages.get(page_id)
        if page is not None:
            # On the host the visitor used (as the cite endpoints do), not the Wagtail Site's hostname.
            url = page.get_url(request)
            entries.append(to_bibtex(page, CitationLinks(page_url=request.build_absolute_uri(url) if url else "")))
    return entries


# --- Publications index set-up ----------------------------------------------------------------


def configure_publication_index(index_page: PublicationIndexPage) -> None:
    """Give Researchers and Editors their permissions on the index and assign the review workflow."""
    page_content_type = ContentType.objects.get_for_model(Page)
    for group_name, codenames in INDEX_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(content_type=page_content_type, codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
    workflow = Workflow.objects.filter(name=REVIEW_WORKFLOW).first()
    if workflow is None:
        logger.warning("No %r workflow: run the migrations of the publications app.", REVIEW_WORKFLOW)
        return
    WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
