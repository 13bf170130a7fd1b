"""Identifiers, page rules and embargo dates of publications."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from publications.models import Author, PublicationIndexPage, PublicationPage
from publications.validators import normalise_doi, normalise_orcid, validate_doi, validate_orcid
from salam.models import HomePage, StandardPage
from tests.factories.publications import make_document, make_publication


class TestOrcid:
    @pytest.mark.parametrize(
        "value",
        ["0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097", "0000 0002 1825 0097", "000000021694233X"],
    )
    def test_valid_identifiers_pass_and_normalise(self, value):
        validate_orcid(value)
        assert len(normalise_orcid(value)) == 19

    def test_normalised_form_has_four_groups(self):
        assert normalise_orcid("https://orcid.org/0000000218250097") == "0000-0002-1825-0097"
        assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"

    @pytest.mark.parametrize("value", ["0000-0002-1825-0098", "0000-0002-1694-2330"])
    def test_wrong_check_digit_is_named(self, value):
        with pytest.raises(ValidationError, match="wrong check digit"):
            validate_orcid(value)

    @pytest.mark.parametrize("value", ["1234", "0000-0002-1825-00A7", "orcid please", "0000-0002-1825-0097-1"])
    def test_malformed_identifiers_are_rejected(self, value):
        with pytest.raises(ValidationError, match="not an ORCID iD"):
            validate_orcid(value)

    @pytest.mark.django_db
    def test_author_clean_stores_the_normal_form_and_rejects_bad_checksums(self):
        author = Author(name="  Anjali   Sharma ", orcid="https://orcid.org/0000000218250097")
        author.full_clean()
        assert author.orcid == "0000-0002-1825-0097"
        assert author.name == "Anjali Sharma"
        assert author.orcid_url == "https://orcid.org/0000-0002-1825-0097"
        with pytest.raises(ValidationError) as excinfo:
            Author(name="B", orcid="0000-0002-1825-0098").full_clean()
        assert "orcid" in excinfo.value.message_dict


class TestDoi:
    @pytest.mark.parametrize(
        "value,expected",
        [
            ("10.1234/abc-5678", "10.1234/abc-5678"),
            ("https://doi.org/10.5555/salam.2024.014", "10.5555/salam.2024.014"),
            ("doi:10.1000.10/xyz", "10.1000.10/xyz"),
            ("  HTTPS://DX.DOI.ORG/10.1234/A(B)  ", "10.1234/A(B)"),
        ],
    )
    def test_valid_dois_pass_and_lose_their_prefix(self, value, expected):
        validate_doi(value)
        assert normalise_doi(value) == expected

    @pytest.mark.parametrize("value", ["11.1234/abc", "10.12/abc", "10.1234", "10.1234/with space", "a doi"])
    def test_malformed_dois_are_rejected(self, value):
        with pytest.raises(ValidationError, match="is not a DOI"):
            validate_doi(value)


@pytest.mark.django_db
class TestPublicationPage:
    def test_page_tree_rules(self, index, site_root):
        assert PublicationIndexPage.can_create_at(site_root)
        assert PublicationPage.can_create_at(index)
        assert not PublicationPage.can_create_at(site_root)
        assert not PublicationIndexPage.can_create_at(index)
        about = StandardPage(title="About", slug="about")
        site_root.add_child(instance=about)
        assert not PublicationIndexPage.can_create_at(about)
        assert isinstance(site_root, HomePage)

    def test_embargo_hides_the_full_text_until_its_date(self):
        page = PublicationPage(embargo_until=datetime.date(2030, 1, 10))
        assert not page.full_text_is_public(today=datetime.date(2030, 1, 9))
        assert page.full_text_is_public(today=datetime.date(2030, 1, 10))
        assert PublicationPage(embargo_until=None).full_text_is_public()

    def test_clean_normalises_the_doi_and_rejects_a_bad_one(self, index):
        page = make_publication(index, live=False, doi="https://doi.org/10.1234/abc")
        assert page.doi == "10.1234/abc"
        page.doi = "not-a-doi"
        with pytest.raises(ValidationError) as excinfo:
            page.full_clean()
        assert "doi" in excinfo.value.message_dict

    def test_a_renamed_text_file_is_not_accepted_as_the_pdf(self, index):
        fake = make_document(b"Just some text, not a PDF at all.", name="fake.pdf")
        with pytest.raises(ValidationError) as excinfo:
            make_publication(index, live=False, pdf=fake)
        assert "not a PDF" in " ".join(excinfo.value.message_dict["pdf"])

    def test_a_word_document_is_not_accepted_as_the_pdf(self, index):
        docx = make_document(b"PK\x03\x04 a zip container", name="brief.docx")
        with pytest.raises(ValidationError) as excinfo:
            make_publication(index, live=False, pdf=docx)
        assert ".docx file" in " ".join(excinfo.value.message_dict["pdf"])

    def test_a_real_pdf_is_accepted(self, index, pdf_document, django_capture_on_commit_callbacks):
        page = make_publication(index, live=False, pdf=pdf_document)
        assert page.pdf_id == pdf_document.pk

    def test_authors_keep_their_order(self, index):
        first, second = Author.objects.create(name="Zed Last"), Author.objects.create(name="Aa First")
        page = make_publication(index, authors=[first, second])
        assert [a.name for a in PublicationPage.objects.get(pk=page.pk).authors] == ["Zed Last", "Aa First"]


@pytest.mark.django_db
def test_the_author_form_in_the_admin_rejects_a_bad_orcid(admin_client):
    from django.urls import reverse

    url = reverse("wagtailsnippets_publications_author:add")
    response = admin_client.post(url, {"name": "Test Person", "orcid": "0000-0002-1825-0098"})
    assert response.status_code == 200
    assert b"wrong check digit" in response.content
    assert not Author.objects.filter(name="Test Person").exists()
    response = admin_client.post(url, {"name": "Test Person", "orcid": "https://orcid.org/0000-0002-1825-0097"})
    assert response.status_code == 302
    assert Author.objects.get(name="Test Person").orcid == "0000-0002-1825-0097"
