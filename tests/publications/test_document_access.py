"""A publication's PDF reaches anonymous readers only while the page is live, viewable and out of embargo."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from publications.models import PublicationPage
from publications.services import EDITORS
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

    def test_other_documents_keep_wagtails_rules(self, client):
        document = make_document(b"plain text", name="notes.txt")
        assert client.get(document.url).status_code == 200
