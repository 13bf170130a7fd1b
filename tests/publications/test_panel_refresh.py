"""The extraction and suggestions panels can be fetched alone, and say when they are worth refreshing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from publications.models import PdfExtraction
from tests.factories.publications import make_document, make_publication, pdf_bytes
from themes.models import TagSuggestion


@pytest.fixture
def page(index, author):
    document = make_document(pdf_bytes(["Recruitment fees paid by workers from Nepal."]))
    page = make_publication(index, title="Fees", authors=[author], pdf=document)
    PdfExtraction.objects.filter(document=document).update(status="pending", finished_at=None)
    return page


def extraction_url(page) -> str:
    return reverse("publications_admin:extraction_panel", args=[page.pk])


def suggestions_url(page) -> str:
    return reverse("themes_tag_panel", args=[page.pk])


@pytest.mark.django_db
class TestPanels:
    def test_while_the_pdf_is_read_the_panels_ask_to_be_refreshed(self, admin_client, page):
        html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        assert f'data-refresh-url="{extraction_url(page)}"' in html
        assert f'data-refresh-url="{suggestions_url(page)}"' in html
        assert "Reload this page to see the result." in html  # what a browser without JavaScript reads
        fragment = admin_client.get(extraction_url(page))
        assert fragment.status_code == 200
        assert "no-store" in fragment["Cache-Control"]
        text = fragment.content.decode()
        assert text.lstrip().startswith('<div class="publication-extraction"')
        assert "Waiting to be read" in text and "data-refresh-url" in text

    def test_once_read_they_stop(self, admin_client, page):
        PdfExtraction.objects.filter(document_id=page.pdf_id).update(status="done", finished_at=timezone.now())
        TagSuggestion.objects.create(page=page, family="country", code="NP", score=0.9, evidence=[])
        text = admin_client.get(extraction_url(page)).content.decode()
        assert "Text extracted" in text and "data-refresh-url" not in text
        text = admin_client.get(suggestions_url(page)).content.decode()
        assert text.lstrip().startswith('<div class="tag-suggestions"')
        assert "Nepal" in text and "data-refresh-url" not in text

    def test_only_people_who_may_edit_the_page_see_them(self, client, page):
        from django.contrib.auth.models import Group

        user = get_user_model().objects.create_user("other", "other@example.org", "pw")
        user.groups.add(Group.objects.get(name="Researchers"))  # admin access, but not the owner
        client.force_login(user)
        assert client.get(extraction_url(page)).status_code in {302, 403}
        assert client.get(suggestions_url(page)).status_code == 403
        client.logout()
        assert client.get(extraction_url(page)).status_code == 302  # to the login page
        assert client.get(suggestions_url(page)).status_code == 302
