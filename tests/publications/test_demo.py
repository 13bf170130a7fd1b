"""The demo publications: plausible, multi-page PDFs the tagger can read, loaded once however often it runs."""

import io

import pytest
from django.utils import timezone

from publications.demo import create_demo
from publications.models import ExtractionStatus, PublicationIndexPage, PublicationPage
from salam.models import HomePage
from tests.publications.conftest import rolled_back_after_module
from themes.models import TagSource


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with rolled_back_after_module(django_db_blocker):
        out = io.StringIO()
        created = create_demo(HomePage.objects.get(), stdout=out)
        yield {"created": created, "out": out.getvalue()}


@pytest.mark.django_db
class TestDemo:
    def test_creates_an_index_and_seventeen_live_publications(self, demo):
        index = PublicationIndexPage.objects.get()
        publications = PublicationPage.objects.child_of(index)
        assert publications.count() == 17
        assert all(page.live for page in publications)
        assert len(demo["created"]) == 18  # the index and the seventeen publications
        assert demo["out"].count("Created publication") == 17
        assert {p.publication_type for p in publications} == {
            "research_paper", "working_paper", "policy_brief", "report", "book_chapter",
        }  # fmt: skip

    def test_running_again_creates_nothing(self, demo):
        assert create_demo(HomePage.objects.get()) == []
        assert create_demo(PublicationIndexPage.objects.get()) == []
        assert PublicationPage.objects.count() == 17

    def test_every_pdf_is_multi_page_and_names_the_taxonomy(self, demo):
        for page in PublicationPage.objects.all():
            record = page.extraction
            assert record.status == ExtractionStatus.DONE, (page.title, record.message)
            assert record.page_count >= 3
            text = " ".join(record.text.split())  # words may wrap onto the next line of the PDF
            assert page.title.split(":")[0].split()[0] in text
            assert "Global Compact" in text or "Objective" in text
        fees = PublicationPage.objects.get(slug="recruitment-fees-nepal-gulf").extraction.text
        assert "Nepal" in fees and "Qatar" in fees and "recruitment" in fees.lower()

    def test_some_tags_are_set_by_editors_and_some_left_to_the_tagger(self, demo):
        pages = list(PublicationPage.objects.all())
        with_editor_tags = [p for p in pages if p.country_tags.filter(source=TagSource.EDITOR).exists()]
        untagged = [p for p in pages if not p.country_tags.exists() and not p.theme_tags.exists()]
        assert len(with_editor_tags) >= 4
        assert untagged, "at least one publication is left for the tagger to tag"

    def test_authors_dates_embargo_and_related(self, demo):
        fees = PublicationPage.objects.get(slug="recruitment-fees-nepal-gulf")
        assert [a.name for a in fees.authors] == ["Bikash Thapa", "Sunita Rai"]
        assert fees.doi == "10.5555/salam.2024.014"
        assert {p.slug for p in fees.related_publications.all()} == {
            "bilateral-agreements-malaysia", "skills-recognition-returnees-nepal",
        }  # fmt: skip
        embargoed = PublicationPage.objects.get(slug="bilateral-agreements-malaysia")
        assert embargoed.embargo_until > timezone.localdate()
        assert not embargoed.full_text_is_public()
