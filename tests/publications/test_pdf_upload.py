"""Files that claim to be PDFs must be PDFs, within the size limit, wherever they are uploaded."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Collection

from publications.forms import PublicationDocumentForm
from tests.factories.publications import form_errors, pdf_bytes


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_document(client, name, content, content_type="application/pdf"):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "collection": Collection.get_first_root_node().pk, "file": upload(name, content, content_type)},
    )


@pytest.mark.django_db
class TestDocumentForm:
    def test_the_setting_makes_wagtail_use_our_form(self):
        from wagtail.documents.forms import get_document_form

        assert issubclass(get_document_form(Document), PublicationDocumentForm)

    def test_a_real_pdf_is_accepted(self, admin_client):
        response = add_document(admin_client, "brief.pdf", pdf_bytes())
        assert response.status_code == 302, form_errors(response)
        assert Document.objects.filter(title="brief.pdf").exists()

    @pytest.mark.parametrize(
        "name,content,content_type,message",
        [
            ("fake.pdf", b"<html>I am a web page</html>", "application/pdf", "not a PDF"),
            ("FAKE.PDF", b"GIF89a........", "image/gif", "not a PDF"),
            ("report.bin", b"MZ\x90\x00 an executable", "application/pdf", "not a PDF"),
            ("empty.pdf", b"", "application/pdf", "empty"),
        ],
    )
    def test_files_claiming_to_be_pdfs_must_be_pdfs(self, admin_client, name, content, content_type, message):
        response = add_document(admin_client, name, content, content_type)
        assert response.status_code == 200
        assert message in form_errors(response)
        assert not Document.objects.filter(title=name).exists()

    @pytest.mark.parametrize("name", ["renamed.pdf", "slides.pptx.pdf"])
    def test_a_renamed_file_gets_one_message_about_pdfs(self, admin_client, name):
        response = add_document(admin_client, name, b"PK\x03\x04 a zipped office file", "application/pdf")
        assert response.status_code == 200
        errors = response.context["form"].errors["file"]
        assert len(errors) == 1, errors
        assert "not a PDF" in errors[0]
        assert "extension" not in form_errors(response)
        assert "pptx" not in form_errors(response)

    @override_settings(PDF_MAX_UPLOAD_MB=1)
    def test_a_pdf_over_the_limit_is_refused_with_the_limit_named(self, admin_client):
        big = pdf_bytes() + b"%" + b"0" * (1024 * 1024 + 10)
        response = add_document(admin_client, "big.pdf", big)
        assert response.status_code == 200
        assert "at most 1 MB" in form_errors(response)

    def test_other_document_types_are_left_alone(self, admin_client):
        response = add_document(admin_client, "notes.txt", b"plain notes", "text/plain")
        assert response.status_code == 302

    def test_the_chooser_upload_checks_too(self, admin_client):
        response = admin_client.post(
            reverse("wagtaildocs_chooser:create"),
            {
                "document-chooser-upload-title": "fake",
                "document-chooser-upload-collection": Collection.get_first_root_node().pk,
                "document-chooser-upload-file": upload("fake.pdf", b"not a pdf"),
            },
        )
        assert b"not a PDF" in response.content
        assert not Document.objects.filter(title="fake").exists()

    def test_the_multiple_uploader_checks_too(self, admin_client):
        response = admin_client.post(
            reverse("wagtaildocs:add_multiple"), {"files[]": upload("fake.pdf", b"not a pdf either")}
        )
        data = json.loads(response.content)
        assert data["success"] is False
        assert "not a PDF" in data["error_message"]
        ok = admin_client.post(reverse("wagtaildocs:add_multiple"), {"files[]": upload("real.pdf", pdf_bytes())})
        assert json.loads(ok.content)["success"] is True


@pytest.mark.django_db
class TestPageRefusesNonPdfDocuments:
    @pytest.mark.parametrize("action", [None, "action-publish"])
    def test_choosing_a_document_that_is_not_a_pdf(self, admin_client, index, author, action):
        from tests.factories.publications import make_document, make_publication, page_form

        page = make_publication(index, authors=[author])
        fake = make_document(b"<html>not a pdf</html>", name="fake.pdf")
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        response = admin_client.post(edit_url, page_form(admin_client, edit_url, {"pdf": fake.pk}, action=action))
        assert response.status_code == 200
        assert "not a PDF" in form_errors(response)
        assert page.get_latest_revision_as_object().pdf_id is None
