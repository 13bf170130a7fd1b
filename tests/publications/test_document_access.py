"""A publication's PDF reaches anonymous readers only while the page is live, viewable and out of embargo."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from publications.models import PublicationPage
from publications.services import EDITORS, RESEARCHERS
from tests.factories.publications import make_document, make_publication, pdf_bytes


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw-for-tests-only")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def reader(db):
    return get_user_model().objects.create_user("reader", "reader@example.org", "pw-for-tests-only")


def pdf(name: str):
    return make_document(pdf_bytes([f"Text of {name}"]), name=f"{name}.pdf")


@pytest.mark.django_db
class TestDocumentAccess:
    def test_live_public_pdf_is_served(self, client, index):
        page = make_publication(index, pdf=pdf("live"))
        response = client.get(page.pdf.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_draft_pdf_is_hidden_from_anonymous_readers_but_not_editors(self, client, index, editor):
        page = make_publication(index, pdf=pdf("draft"), live=False)
        assert client.get(page.pdf.url).status_code == 404
        client.force_login(editor)
        assert client.get(page.pdf.url).status_code == 200

    def test_unpublished_page_hides_its_pdf_again(self, client, index):
        page = make_publication(index, pdf=pdf("gone"))
        assert client.get(page.pdf.url).status_code == 200
        page.unpublish()
        assert client.get(page.pdf.url).status_code == 404

    def test_private_page_pdf_follows_the_page_restriction(self, client, index, reader):
        page = make_publication(index, pdf=pdf("private"))
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        assert client.get(page.pdf.url).status_code == 404
        client.force_login(reader)  # any signed-in user passes a "login" restriction
        assert client.get(page.pdf.url).status_code == 200

    def test_private_section_hides_the_pdf_too(self, client, index):
        page = make_publication(index, pdf=pdf("section"))
        PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
        assert client.get(page.pdf.url).status_code == 404

    def test_embargoed_pdf_is_refused_with_the_date(self, client, index, editor):
        until = timezone.localdate() + datetime.timedelta(days=10)
        page = make_publication(index, pdf=pdf("embargoed"), embargo_until=until)
        response = client.get(page.pdf.url)
        assert response.status_code == 403
        assert until.strftime("%B %Y").encode() in response.content
        assert response["Cache-Control"].startswith("max-age=0")
        client.force_login(editor)
        assert client.get(page.pdf.url).status_code == 200

    def test_embargo_that_has_ended_releases_the_pdf(self, client, index):
        page = make_publication(index, pdf=pdf("released"), embargo_until=timezone.localdate())
        assert client.get(page.pdf.url).status_code == 200

    def test_a_pdf_chosen_only_in_a_draft_stays_hidden(self, client, index):
        page = make_publication(index, pdf=pdf("first"))
        live_url = page.pdf.url
        draft = PublicationPage.objects.get(pk=page.pk)
        draft.pdf = pdf("second")
        draft.save_revision()
        assert PublicationPage.objects.get(pk=page.pk).pdf.url == live_url
        assert client.get(live_url).status_code == 200  # the live PDF
        assert client.get(draft.pdf.url).status_code == 404  # the draft's new PDF

    def test_a_document_no_page_uses_is_private(self, client, index, reader):
        # Uploaded from the page editor's chooser and never saved on a page, or left behind by a failed create.
        document = make_document(pdf_bytes(["Unpublished findings"]), name="orphan.pdf")
        assert client.get(document.url).status_code == 404
        client.force_login(reader)
        assert client.get(document.url).status_code == 404

    def test_the_uploader_and_document_managers_may_download_an_unused_document(self, client, editor):
        owner = get_user_model().objects.create_user("uploader", "up@example.org", "pw-for-tests-only")
        owner.groups.add(Group.objects.get(name=RESEARCHERS))
        document = make_document(pdf_bytes(["Draft figures"]), name="mine.pdf")
        document.uploaded_by_user = owner
        document.save()
        client.force_login(owner)
        assert client.get(document.url).status_code == 200
        other = get_user_model().objects.create_user("other", "other@example.org", "pw-for-tests-only")
        other.groups.add(Group.objects.get(name=RESEARCHERS))
        client.force_login(other)
        assert client.get(document.url).status_code == 404
        client.force_login(editor)  # editors manage every document
        assert client.get(document.url).status_code == 200

    def test_a_document_becomes_public_when_a_live_page_uses_it(self, client, index):
        document = make_document(pdf_bytes(["Findings"]), name="later.pdf")
        assert client.get(document.url).status_code == 404
        make_publication(index, pdf=document)
        assert client.get(document.url).status_code == 200


@pytest.mark.django_db
class TestLectureSlides:
    def test_slides_follow_their_lecture(self, client, site_root):
        from tests.factories.lectures import make_lecture

        slides = make_document(b"%PDF-1.4 slides", name="slides.pdf")
        lecture = make_lecture(slides=slides, live=False)
        assert client.get(slides.url).status_code == 404
        lecture.save_revision().publish()
        assert client.get(slides.url).status_code == 200
        PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.PASSWORD, password="x")
        assert client.get(slides.url).status_code == 404


@pytest.mark.django_db
class TestEveryAddressOfAPdf:
    """An anonymous reader gets no PDF of a non-public page, whatever spelling of its address is tried."""

    SECRET = b"Text of the hidden paper"

    def spellings(self, document) -> list[str]:
        name = document.file.name  # documents/<file>.pdf
        base = name.rsplit("/", 1)[1]
        return [
            document.url,
            f"/documents/{document.pk}/{base}",
            f"/documents/{document.pk}/other-name.pdf",
            f"/media/{name}",
            f"/media/./{name}",
            f"/media/%2e/{name}",
            f"/media/%2E/{name}",
            f"/media/x/../{name}",
            f"/media/x/%2e%2e/{name}",
            f"/media//{name}",
            f"/media/documents//{base}",
            f"/media/documents/./{base}",
            f"/media/documents%2f{base}",
            f"/media/./documents/../{name}",
        ]

    def assert_no_pdf(self, client, document):
        for url in self.spellings(document):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert not body.startswith(b"%PDF"), url
            assert response.status_code in (301, 302, 403, 404), (url, response.status_code)

    def test_no_spelling_serves_a_non_public_pdf(self, client, index):
        until = timezone.localdate() + datetime.timedelta(days=30)
        private = make_publication(index, pdf=pdf("private-one"))
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
        login_only = make_publication(index, pdf=pdf("login-only"))
        PageViewRestriction.objects.create(page=login_only, restriction_type=PageViewRestriction.LOGIN)
        hidden = [
            make_publication(index, pdf=pdf("draft-one"), live=False).pdf,
            private.pdf,
            login_only.pdf,
            make_publication(index, pdf=pdf("embargoed-one"), embargo_until=until).pdf,
            make_document(pdf_bytes(["Orphan"]), name="orphan-one.pdf"),
        ]
        for document in hidden:
            self.assert_no_pdf(client, document)

    def test_a_public_pdf_is_served_only_at_its_document_address(self, client, index):
        page = make_publication(index, pdf=pdf("public-one"))
        assert client.get(page.pdf.url).status_code == 200
        for url in self.spellings(page.pdf)[3:]:
            assert client.get(url).status_code == 404, url

    def test_other_media_is_still_served(self, client, settings):
        from pathlib import Path

        Path(settings.MEDIA_ROOT, "original_images").mkdir(parents=True, exist_ok=True)
        Path(settings.MEDIA_ROOT, "original_images", "speaker.jpg").write_bytes(b"jpeg")
        assert client.get("/media/original_images/speaker.jpg").status_code == 200
        assert client.get("/media/x/../original_images/speaker.jpg").status_code == 404
