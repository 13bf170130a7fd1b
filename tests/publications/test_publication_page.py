"""What a reader sees on a publication page, what machines read from it, and its citations."""

import datetime
import json
import re

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from publications.models import (
    Author,
    PublicationAuthor,
    PublicationCountryTag,
    PublicationGCMTag,
    PublicationPage,
    PublicationThemeTag,
    PublicationType,
)
from salam.models import HomePage, PartnerInstitute
from tests.factories.publications import make_document, make_index, make_publication, pdf_bytes
from tests.publications.conftest import rolled_back_after_module
from themes.models import Country, GCMObjective, TagSource, Theme

ABSTRACT = "Workers from Nepal pay high fees.\nThe law caps them.\n\nWe propose a reimbursement scheme."


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker):
    """A full publication (two authors, tags, DOI, PDF, related pages), an embargoed one, a draft, a private one."""
    with rolled_back_after_module(django_db_blocker):
        index = make_index(HomePage.objects.get(), slug="library")
        sharma = Author.objects.create(
            name="Anjali Sharma", affiliation="Centre for Labour Mobility Research", orcid="0000-0002-1825-0097"
        )
        thapa = Author.objects.create(name="Bikash Thapa", affiliation="Nepal Migration Policy Institute")
        related = make_publication(index, title="Related brief on remittances")
        hidden_related = make_publication(index, title="Unpublished related draft", live=False)
        pdf = make_document(pdf_bytes(["Page one about Nepal.", "Page two.", "Page three."]), name="fees.pdf")
        main = make_publication(
            index,
            title="Who pays for the visa? Fees & 50% {costs}",
            subtitle="Evidence from Kathmandu",
            publication_type=PublicationType.RESEARCH_PAPER,
            publication_date=datetime.date(2024, 9, 12),
            authors=[sharma, thapa],
            abstract=ABSTRACT,
            doi="10.5555/salam.2024.014",
            pdf=pdf,
            # A fictional publisher: test papers are never attributed to the real partner institutes.
            institution=PartnerInstitute.objects.get_or_create(
                name="Nepal Migration Policy Institute", country="Nepal"
            )[0],
            live=False,
        )
        main.country_tags.add(PublicationCountryTag(country=Country.objects.get(alpha2="NP")))
        main.theme_tags.add(PublicationThemeTag(theme=Theme.objects.get(slug="fair-recruitment")))
        main.gcm_tags.add(PublicationGCMTag(objective=GCMObjective.objects.get(number=6), source=TagSource.TAGGER))
        main.keywords.add("recruitment fees", "debt")
        main.related_publications.set([related, hidden_related])
        main.save_revision().publish()
        embargoed = make_publication(
            index,
            title="Embargoed brief",
            authors=[thapa],
            pdf=make_document(pdf_bytes(["Embargoed text about Qatar."]), name="embargoed.pdf"),
            embargo_until=timezone.localdate() + datetime.timedelta(days=30),
        )
        draft = make_publication(index, title="Draft brief", authors=[thapa], live=False)
        private = make_publication(index, title="Private brief", authors=[thapa])
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        yield {"main": main, "embargoed": embargoed, "draft": draft, "private": private, "related": related}


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def meta(soup: BeautifulSoup, name: str) -> list[str]:
    return [tag["content"] for tag in soup.find_all("meta", attrs={"name": name})]


def json_ld(soup: BeautifulSoup) -> dict:
    return json.loads(soup.find("script", attrs={"type": "application/ld+json"}).string)


@pytest.mark.django_db
class TestReaderView:
    def test_everything_a_reader_expects(self, client, library):
        soup = soup_of(client.get(library["main"].url))
        assert soup.h1.get_text() == "Who pays for the visa? Fees & 50% {costs}"
        assert soup.select_one(".publication__subtitle").get_text() == "Evidence from Kathmandu"
        assert soup.select_one(".publication__header .pub-type").get_text() == "Research paper"
        authors = soup.select(".publication__authors li")
        assert [a.select_one(".author-name").get_text() for a in authors] == ["Anjali Sharma", "Bikash Thapa"]
        assert "Centre for Labour Mobility Research" in authors[0].get_text()
        assert authors[0].select_one("a.orcid")["href"] == "https://orcid.org/0000-0002-1825-0097"
        assert soup.select_one(".publication__header time")["datetime"] == "2024-09-12"
        assert "Nepal Migration Policy Institute" in soup.select_one(".publication__header .meta").get_text()
        paragraphs = [p.get_text() for p in soup.select("section[aria-labelledby=abstract-heading] p")]
        assert paragraphs == [
            "Workers from Nepal pay high fees. The law caps them.",
            "We propose a reimbursement scheme.",
        ]
        tag_links = {a["href"] for a in soup.select(".publication__topics a.tag")}
        assert tag_links == {"/countries/np/", "/themes/fair-recruitment/", "/gcm/6/"}
        assert soup.find("a", href="https://doi.org/10.5555/salam.2024.014") is not None
        assert soup.find("a", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"
        related = [a.get_text() for a in soup.select("section[aria-labelledby=related-heading] a")]
        assert related == ["Related brief on remittances"]  # the draft related page is not shown

    def test_download_button_with_size_and_page_count(self, client, library):
        soup = soup_of(client.get(library["main"].url))
        download = soup.select_one("a.pub-download")
        assert download["href"] == library["main"].pdf.url
        details = download.find_parent("section").select_one(".meta").get_text()
        assert "3 pages" in details and ("KB" in details or "bytes" in details)
        assert client.get(download["href"]).status_code == 200

    def test_scholar_meta_tags(self, client, library):
        soup = soup_of(client.get(library["main"].url))
        assert meta(soup, "citation_title") == ["Who pays for the visa? Fees & 50% {costs}: Evidence from Kathmandu"]
        assert meta(soup, "citation_author") == ["Anjali Sharma", "Bikash Thapa"]
        assert meta(soup, "citation_publication_date") == ["2024/09/12"]
        assert meta(soup, "citation_doi") == ["10.5555/salam.2024.014"]
        assert meta(soup, "citation_pdf_url") == [f"http://testserver{library['main'].pdf.url}"]

    def test_json_ld(self, client, library):
        data = json_ld(soup_of(client.get(library["main"].url)))
        assert data["@type"] == "ScholarlyArticle"
        assert [a["name"] for a in data["author"]] == ["Anjali Sharma", "Bikash Thapa"]
        assert data["author"][0]["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
        assert data["datePublished"] == "2024-09-12"
        assert data["identifier"]["value"] == "10.5555/salam.2024.014"
        assert data["encoding"]["contentUrl"].endswith(library["main"].pdf.url)
        assert "Nepal" in data["about"]
        brief = json_ld(soup_of(client.get(library["related"].url)))
        assert brief["@type"] == "Report"

    def test_json_ld_cannot_be_closed_by_a_title(self, client, index):
        page = make_publication(index, title="</script><script>alert(1)</script>")
        response = client.get(page.url)
        assert b"</script><script>alert(1)" not in response.content
        assert json_ld(soup_of(response))["name"] == "</script><script>alert(1)</script>"

    def test_embargo_shows_the_notice_and_hides_the_pdf(self, client, library):
        page = library["embargoed"]
        soup = soup_of(client.get(page.url))
        assert soup.select_one("a.pub-download") is None
        assert "under embargo until" in soup.select_one(".pub-embargo").get_text()
        assert meta(soup, "citation_pdf_url") == []
        assert meta(soup, "citation_title") == ["Embargoed brief"]
        assert "encoding" not in json_ld(soup)
        assert page.pdf.url.encode() not in client.get(page.url).content

    def test_an_editor_sees_the_embargoed_download(self, admin_client, library):
        soup = soup_of(admin_client.get(library["embargoed"].url))
        assert soup.select_one("a.pub-download") is not None
        assert "you can edit this publication" in soup.get_text()

    def test_query_count_stays_small(self, client, library, django_assert_max_num_queries):
        client.get(library["main"].url)  # warm the site-root cache, as a running server has it
        with django_assert_max_num_queries(45):
            client.get(library["main"].url)

    def test_drafts_and_private_pages_are_not_shown(self, client, library):
        assert client.get(library["draft"].url or "/library/draft-brief/").status_code == 404
        response = client.get(library["private"].url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
class TestCitations:
    def cite(self, client, page, fmt):
        response = client.get(reverse(f"publications:cite_{fmt}", args=[page.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        return response.content.decode()

    def test_bibtex_parses_with_every_field(self, client, library):
        library_ = bibtexparser.parse_string(self.cite(client, library["main"], "bib"))
        assert not library_.failed_blocks
        (entry,) = library_.entries
        assert entry.entry_type == "techreport"
        assert entry.key == "sharma2024pays"
        assert entry["author"] == "Anjali Sharma and Bikash Thapa"
        assert entry["title"] == r"{Who pays for the visa? Fees \& 50\% \{costs\}: Evidence from Kathmandu}"
        assert entry["year"] == "2024"
        assert entry["doi"] == "10.5555/salam.2024.014"
        assert entry["institution"] == "Nepal Migration Policy Institute"
        assert entry["url"] == f"http://testserver{library['main'].url}"
        assert set(entry["keywords"].split(", ")) == {"recruitment fees", "debt"}

    def test_ris_parses(self, client, library):
        (record,) = rispy.loads(self.cite(client, library["main"], "ris"))
        assert record["type_of_reference"] == "RPRT"
        assert record["authors"] == ["Sharma, Anjali", "Thapa, Bikash"]
        assert record["title"] == "Who pays for the visa? Fees & 50% {costs}: Evidence from Kathmandu"
        assert record["year"] == "2024"
        assert record["doi"] == "10.5555/salam.2024.014"
        assert record["abstract"].startswith("Workers from Nepal pay high fees. The law caps them.")
        assert f"http://testserver{library['main'].pdf.url}" in record["urls"]

    def test_ris_starts_with_its_type_line(self, client, library):
        # rispy numbers records ("1.") by default: not RIS, and reference managers choke on it.
        body = self.cite(client, library["main"], "ris")
        assert body.startswith("TY  - RPRT\n")
        assert not re.search(r"^\d+\.$", body, flags=re.MULTILINE)
        assert body.endswith("ER  - \n")

    def test_csl_json_parses(self, client, library):
        (item,) = json.loads(self.cite(client, library["main"], "json"))
        assert item["type"] == "report"
        assert item["author"] == [{"family": "Sharma", "given": "Anjali"}, {"family": "Thapa", "given": "Bikash"}]
        assert item["issued"] == {"date-parts": [[2024, 9, 12]]}
        assert item["DOI"] == "10.5555/salam.2024.014"

    def test_embargoed_citation_has_no_pdf_link(self, client, library):
        (record,) = rispy.loads(self.cite(client, library["embargoed"], "ris"))
        assert record["urls"] == [f"http://testserver{library['embargoed'].url}"]

    def test_the_cite_box_links_to_the_three_formats(self, client, library):
        soup = soup_of(client.get(library["main"].url))
        links = {a.get_text(): a["href"] for a in soup.select(".cite-box__formats a")}
        pk = library["main"].pk
        assert links == {
            "BibTeX": f"/publications/{pk}/cite.bib",
            "RIS": f"/publications/{pk}/cite.ris",
            "CSL-JSON": f"/publications/{pk}/cite.json",
        }
        assert "Sharma, A., & Thapa, B. (2024)." in soup.select_one(".cite-box__text").get_text()

    @pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
    def test_no_citations_for_drafts_private_or_other_pages(self, client, library, fmt):
        for page_id in (library["draft"].pk, library["private"].pk, HomePage.objects.get().pk, 987654):
            assert client.get(reverse(f"publications:cite_{fmt}", args=[page_id])).status_code == 404

    def test_only_get_is_allowed(self, client, library):
        assert client.post(reverse("publications:cite_bib", args=[library["main"].pk])).status_code == 405
        assert client.get(f"/publications/{library['main'].pk}/cite.xml").status_code == 404
        assert client.get("/publications/abc/cite.bib").status_code == 404


@pytest.mark.django_db
def test_preview_of_a_draft_shows_its_unsaved_tags_and_authors(index, author):
    page = make_publication(index, title="Preview me", live=False)
    draft = PublicationPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.country_tags.add(PublicationCountryTag(country=Country.objects.get(alpha2="LK")))
    draft.publication_authors.add(PublicationAuthor(author=author, sort_order=0))
    draft.save_revision()
    preview = PublicationPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    response = preview.make_preview_request()
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Preview me"
    assert [a["href"] for a in soup.select(".publication__topics a.tag")] == ["/countries/lk/"]
    assert soup.select_one(".author-name").get_text() == "Anjali Sharma"
    assert soup.select(".cite-box__formats a") == []  # nothing to cite before it is live
