"""Extractions whose worker died, or whose task was lost, are queued again and never stay "running" forever."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from publications import pdf, services
from publications.models import ExtractionStatus, PdfExtraction
from publications.tasks import extract_document_pdf
from tests.factories.publications import make_document, make_publication, pdf_bytes

pytestmark = pytest.mark.django_db

TEXT = ["Recruitment agencies in Dhaka charge fees that workers repay for years."]
AN_HOUR_AGO = datetime.timedelta(hours=1)


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue (as in production) instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}


def queued_for(document) -> list[DBTaskResult]:
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=extract_document_pdf.module_path)
        if task.args_kwargs["args"][:1] == [document.pk] or task.args_kwargs["kwargs"].get("document_id") == document.pk
    ]


def record_for(document, **fields) -> PdfExtraction:
    return PdfExtraction.objects.create(
        document=document,
        file_name=document.file.name,
        file_size=document.file_size,
        file_hash=document.file_hash or "",
        **fields,
    )


@pytest.fixture
def crashing_reader(monkeypatch):
    """The worker's task dies in the middle of reading, as it did on "database is locked"."""

    def crash(path, limits):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pdf, "extract_pdf_text", crash)


def test_a_stuck_extraction_is_queued_again_and_after_three_tries_fails_as_interrupted(
    database_queue, crashing_reader, monkeypatch
):
    document = make_document(pdf_bytes(TEXT), name="stuck.pdf")
    record_for(document, status=ExtractionStatus.PENDING)
    for attempt in (1, 2, 3):
        # The worker takes the task and dies while reading: the record says "running" from then on.
        with pytest.raises(OperationalError):
            services.run_extraction(document.pk)
        record = PdfExtraction.objects.get(document=document)
        assert (record.status, record.attempts) == (ExtractionStatus.RUNNING, attempt)
        assert services.sweep_stuck_extractions().requeued_running == 0  # it may still be working
        PdfExtraction.objects.filter(pk=record.pk).update(started_at=timezone.now() - AN_HOUR_AGO)
        DBTaskResult.objects.all().delete()
        report = services.sweep_stuck_extractions()
        record.refresh_from_db()
        if attempt < 3:
            assert report.requeued_running == 1 and report.interrupted == 0
            assert record.status == ExtractionStatus.PENDING
            assert len(queued_for(document)) == 1
        else:
            assert report.requeued_running == 0 and report.interrupted == 1
            assert record.status == ExtractionStatus.FAILED and record.reason == "interrupted"
            assert "interrupted 3 times" in record.message and "Re-run extraction" in record.message
            assert record.finished_at is not None
            assert queued_for(document) == []
    assert services.sweep_stuck_extractions().total == 0  # a failed record is left alone


def test_the_editor_sees_why_in_the_panel(admin_client, index):
    page = make_publication(index, pdf=make_document(pdf_bytes(TEXT), name="panel.pdf"))
    PdfExtraction.objects.filter(document=page.pdf).update(
        status=ExtractionStatus.RUNNING, attempts=3, started_at=timezone.now() - AN_HOUR_AGO
    )
    assert services.sweep_stuck_extractions().interrupted == 1
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    panel = BeautifulSoup(response.content, "html.parser").select_one(".publication-extraction")
    assert panel["data-extraction-status"] == "failed"
    text = " ".join(panel.get_text(" ").split())
    assert "Reading this PDF was interrupted 3 times" in text and "interrupted" in text
    assert "interrupted" in pdf.FAILURE_REASONS and pdf.MESSAGES["interrupted"]


def test_a_recently_started_extraction_is_left_alone(database_queue):
    document = make_document(pdf_bytes(TEXT), name="busy.pdf")
    patience = 2 * float(settings.PDF_EXTRACT_TIMEOUT_S) + 60
    record_for(
        document,
        status=ExtractionStatus.RUNNING,
        attempts=1,
        started_at=timezone.now() - datetime.timedelta(seconds=patience - 30),
    )
    assert services.sweep_stuck_extractions().total == 0
    assert PdfExtraction.objects.get(document=document).status == ExtractionStatus.RUNNING
    assert queued_for(document) == []


class TestLostTasks:
    def test_an_old_pending_extraction_without_a_task_is_queued_again(self, database_queue):
        document = make_document(pdf_bytes(TEXT), name="lost.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now() - AN_HOUR_AGO)
        report = services.sweep_stuck_extractions()
        assert report.requeued_pending == 1 and report.total == 1
        assert len(queued_for(document)) == 1
        record = PdfExtraction.objects.get(document=document)
        assert record.status == ExtractionStatus.PENDING and record.requested_at > timezone.now() - AN_HOUR_AGO
        # Queued now: the next sweep leaves it to its task.
        assert services.sweep_stuck_extractions().total == 0
        assert len(queued_for(document)) == 1

    @pytest.mark.parametrize("how", ["positional", "keyword"])
    def test_one_whose_task_is_still_queued_is_left_alone(self, database_queue, how):
        document = make_document(pdf_bytes(TEXT), name="waiting.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now() - AN_HOUR_AGO)
        if how == "positional":
            extract_document_pdf.enqueue(document.pk, force=False)
        else:
            extract_document_pdf.enqueue(document_id=document.pk)
        assert services.sweep_stuck_extractions().total == 0
        assert len(queued_for(document)) == 1

    def test_a_task_queued_under_its_former_path_still_counts(self, database_queue):
        # Rows queued before the task moved beside its service name publications.tasks; the worker
        # still finds the task there, so the sweep must not queue a second one.
        document = make_document(pdf_bytes(TEXT), name="before-the-move.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now() - AN_HOUR_AGO)
        result = extract_document_pdf.enqueue(document.pk)
        DBTaskResult.objects.filter(id=result.id).update(task_path="publications.tasks.extract_document_pdf")
        assert services.sweep_stuck_extractions().total == 0
        assert import_string("publications.tasks.extract_document_pdf") is extract_document_pdf

    def test_a_task_left_running_by_a_dead_worker_does_not_count(self, database_queue):
        document = make_document(pdf_bytes(TEXT), name="orphan.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now() - AN_HOUR_AGO)
        result = extract_document_pdf.enqueue(document.pk)
        DBTaskResult.objects.filter(id=result.id).update(
            status=TaskResultStatus.RUNNING, started_at=timezone.now() - AN_HOUR_AGO
        )
        assert services.sweep_stuck_extractions().requeued_pending == 1
        assert len(queued_for(document)) == 2

    def test_a_recent_pending_extraction_is_left_alone(self, database_queue):
        document = make_document(pdf_bytes(TEXT), name="fresh.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now())
        assert services.sweep_stuck_extractions().total == 0
        assert queued_for(document) == []

    def test_the_queued_task_then_reads_the_pdf(self):
        # With the immediate backend the re-queued task runs at once, as a worker would.
        document = make_document(pdf_bytes(TEXT), name="read.pdf")
        record_for(document, status=ExtractionStatus.PENDING, requested_at=timezone.now() - AN_HOUR_AGO)
        assert services.sweep_stuck_extractions().requeued_pending == 1
        record = PdfExtraction.objects.get(document=document)
        assert record.status == ExtractionStatus.DONE and "Recruitment agencies" in record.pages[0]


def test_an_interrupted_result_is_not_reused_for_the_same_file():
    content = pdf_bytes(TEXT)
    first = make_document(content, name="first.pdf")
    record_for(first, status=ExtractionStatus.RUNNING, attempts=3, started_at=timezone.now() - AN_HOUR_AGO)
    services.sweep_stuck_extractions()
    PdfExtraction.objects.filter(document=first).update(sha256=pdf.sha256_of_file(first.file.path))
    second = make_document(content, name="second.pdf")
    record = services.run_extraction(second.pk)
    assert record.status == ExtractionStatus.DONE and record.reused_from_id is None
