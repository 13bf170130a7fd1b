"""PDFs are read in the background whenever a publication gets a new file, once per file content."""

import hashlib

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from publications import pdf, services
from publications.models import ExtractionStatus, PdfExtraction, PublicationPage
from publications.services import RESEARCHERS
from publications.signals import pdf_text_extracted
from salam.content import text_changed
from tests.factories.publications import form_errors, make_document, make_publication, page_form, pdf_bytes

FEES = ["Recruitment fees paid by Nepali workers remain high.", "Qatar employers rarely reimburse them."]
RETURN = ["Returnees to Sri Lanka find few reintegration services.", "Skills are not recognised at home."]


@pytest.fixture
def announcements():
    """Pages announced through pdf_text_extracted, as (sender, page id)."""
    received = []

    def receiver(sender, page, **kwargs):
        received.append((sender, page.pk))

    pdf_text_extracted.connect(receiver, dispatch_uid="test-announcements")
    yield received
    pdf_text_extracted.disconnect(dispatch_uid="test-announcements")


@pytest.fixture
def text_changes():
    """Pages announced through the contract's text_changed (read or not), as (sender, page id)."""
    received = []

    def receiver(sender, page, **kwargs):
        received.append((sender, page.pk))

    text_changed.connect(receiver, dispatch_uid="test-text-changed")
    yield received
    text_changed.disconnect(dispatch_uid="test-text-changed")


@pytest.fixture
def extraction_calls(monkeypatch):
    """Counts real extractions (the real function still runs)."""
    calls = []
    real = pdf.extract_pdf_text

    def counting(path, limits):
        calls.append(path)
        return real(path, limits)

    monkeypatch.setattr(pdf, "extract_pdf_text", counting)
    return calls


@pytest.mark.django_db
class TestExtractionOnSave:
    def test_a_new_publications_pdf_is_read_and_announced(
        self, index, announcements, text_changes, django_capture_on_commit_callbacks
    ):
        content = pdf_bytes(FEES)
        with django_capture_on_commit_callbacks(execute=True):
            page = make_publication(index, pdf=make_document(content, name="fees.pdf"))
        record = PublicationPage.objects.get(pk=page.pk).extraction
        assert record.status == ExtractionStatus.DONE
        assert record.page_count == 2
        assert "Recruitment fees paid by Nepali workers" in record.pages[0]
        assert "Qatar employers" in record.pages[1]
        assert record.sha256 == hashlib.sha256(content).hexdigest()
        assert record.requested_at <= record.started_at <= record.finished_at
        assert record.attempts == 1
        assert announcements.count((PublicationPage, page.pk)) == 1
        assert text_changes.count((PublicationPage, page.pk)) == 1

    def test_the_same_file_is_read_only_once(self, index, extraction_calls):
        content = pdf_bytes(FEES)
        first = make_publication(index, pdf=make_document(content, name="a.pdf"))
        second = make_publication(index, pdf=make_document(content, name="b.pdf"))
        one, two = first.extraction, second.extraction
        assert len(extraction_calls) == 1
        assert two.reused_from_id == one.pk
        assert two.status == ExtractionStatus.DONE and two.pages == one.pages
        first.save_revision().publish()  # saving again with the same file does nothing
        assert len(extraction_calls) == 1

    def test_a_pdf_chosen_in_a_draft_is_read(self, index, admin_client, author):
        page = make_publication(index, authors=[author], pdf=make_document(pdf_bytes(FEES), name="old.pdf"))
        new = make_document(pdf_bytes(RETURN), name="new.pdf")
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        response = admin_client.post(edit_url, page_form(admin_client, edit_url, {"pdf": new.pk}))
        assert response.status_code == 302, form_errors(response)
        assert PublicationPage.objects.get(pk=page.pk).pdf_id != new.pk  # still only in the draft
        record = PdfExtraction.objects.get(document=new)
        assert record.status == ExtractionStatus.DONE
        assert "Returnees to Sri Lanka" in record.pages[0]
        draft = PublicationPage.objects.get(pk=page.pk).get_latest_revision_as_object()
        assert draft.extraction == record

    def test_replacing_the_documents_file_reads_the_new_file(self, index, admin_client):
        document = make_document(pdf_bytes(FEES), name="brief.pdf")
        page = make_publication(index, pdf=document)
        assert "Recruitment fees" in page.extraction.pages[0]
        response = admin_client.post(
            reverse("wagtaildocs:edit", args=[document.pk]),
            {
                "title": document.title,
                "collection": document.collection_id,
                "file": SimpleUploadedFile("brief.pdf", pdf_bytes(RETURN), content_type="application/pdf"),
            },
        )
        assert response.status_code == 302, form_errors(response)
        record = PublicationPage.objects.get(pk=page.pk).extraction
        assert record.status == ExtractionStatus.DONE
        assert "Returnees to Sri Lanka" in record.pages[0]

    def test_a_damaged_pdf_still_saves_the_page_and_says_why(
        self, index, announcements, text_changes, django_capture_on_commit_callbacks
    ):
        broken = make_document(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without end", name="broken.pdf")
        with django_capture_on_commit_callbacks(execute=True):
            page = make_publication(index, pdf=broken)
        assert PublicationPage.objects.get(pk=page.pk).live
        record = page.extraction
        assert record.status == ExtractionStatus.FAILED
        assert record.reason in pdf.FAILURE_REASONS
        assert record.message
        assert announcements == []
        # The tagger still learns of it (it tags from the title and abstract) through the contract.
        assert text_changes == [(PublicationPage, page.pk)]

    def test_nothing_is_read_inside_the_request(self, index, admin_client):
        document = make_document(pdf_bytes(FEES), name="queued.pdf")
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
        ):
            page = make_publication(index, pdf=document)
            assert page.extraction.status == ExtractionStatus.PENDING
            queued = DBTaskResult.objects.filter(task_path=services.extract_document_pdf.module_path)
            assert queued.count() == 1
            assert queued.get().args_kwargs["args"] == [document.pk]
        # What the worker does with that task:
        services.run_extraction(document.pk)
        assert PublicationPage.objects.get(pk=page.pk).extraction.status == ExtractionStatus.DONE


@pytest.mark.django_db
class TestAdminPanelAndRerun:
    @pytest.fixture
    def page(self, index):
        return make_publication(index, pdf=make_document(pdf_bytes(FEES), name="panel.pdf"))

    def test_the_edit_view_shows_status_pages_and_preview(self, admin_client, page):
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        panel = BeautifulSoup(response.content, "html.parser").select_one(".publication-extraction")
        assert panel["data-extraction-status"] == "done"
        text = " ".join(panel.get_text(" ").split())
        assert "Text extracted" in text and "Pages 2" in text
        assert "Recruitment fees paid by Nepali workers" in text
        assert panel.find("a", href=reverse("publications_admin:rerun_extraction", args=[page.pk]))

    def test_the_panel_explains_a_failure(self, admin_client, index):
        page = make_publication(index, pdf=make_document(b"%PDF-1.4\nbroken", name="bad.pdf"))
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        panel = BeautifulSoup(response.content, "html.parser").select_one(".publication-extraction")
        assert panel["data-extraction-status"] == "failed"
        assert page.extraction.message in " ".join(panel.get_text(" ").split())

    def test_rerun_asks_first_then_reads_again(self, page, django_user_model, extraction_calls):
        admin = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-for-tests-only")
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin)
        url = reverse("publications_admin:rerun_extraction", args=[page.pk])
        confirm = client.get(url)
        assert confirm.status_code == 200
        assert client.post(url).status_code == 403  # no CSRF token
        assert page.extraction.attempts == 1
        token = BeautifulSoup(confirm.content, "html.parser").find("input", attrs={"name": "csrfmiddlewaretoken"})
        response = client.post(url, {"csrfmiddlewaretoken": token["value"]})
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
        record = PdfExtraction.objects.get(pk=page.extraction.pk)
        assert record.attempts == 2 and record.status == ExtractionStatus.DONE
        assert len(extraction_calls) == 1  # forced: read again although the file is known

    def test_rerun_needs_edit_permission(self, client, page, django_user_model):
        url = reverse("publications_admin:rerun_extraction", args=[page.pk])
        assert client.post(url).status_code == 302  # anonymous: to the login page
        researcher = django_user_model.objects.create_user("other", "other@example.org", "pw-for-tests-only")
        researcher.groups.add(Group.objects.get(name=RESEARCHERS))
        client.force_login(researcher)
        # Wagtail's admin answers PermissionDenied by sending the user to the dashboard with a message.
        for response in (client.get(url), client.post(url)):
            assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))
        assert page.extraction.attempts == 1

    def test_rerun_of_a_page_that_does_not_exist(self, admin_client):
        assert admin_client.get(reverse("publications_admin:rerun_extraction", args=[999999])).status_code == 404
        assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_a_duplicate_task_leaves_a_running_extraction_alone(index, extraction_calls):
    from django.utils import timezone

    document = make_document(pdf_bytes(FEES), name="busy.pdf")
    PdfExtraction.objects.create(
        document=document,
        file_name=document.file.name,
        file_size=document.file_size,
        file_hash=document.file_hash,
        status=ExtractionStatus.RUNNING,
        started_at=timezone.now(),
    )
    services.run_extraction(document.pk)
    assert extraction_calls == []
    assert PdfExtraction.objects.get(document=document).status == ExtractionStatus.RUNNING
    services.run_extraction(document.pk, force=True)  # "re-run" does not wait
    assert PdfExtraction.objects.get(document=document).status == ExtractionStatus.DONE
