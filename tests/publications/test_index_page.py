"""The publications index: newest first, filters from the query string, bad values never fail."""

import datetime

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from publications.models import PublicationCountryTag, PublicationGCMTag, PublicationThemeTag, PublicationType
from salam.models import HomePage
from tests.factories.publications import make_index, make_publication
from tests.publications.conftest import rolled_back_after_module
from themes.models import Country, GCMObjective, Theme


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".pub-card__title a")]


def notices(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(p.get_text(" ", strip=True) for p in soup.select('[role="status"] p'))


def tagged(index, title, *, type_, date, country=None, theme=None, gcm=None, live=True):
    page = make_publication(index, title=title, publication_type=type_, publication_date=date, live=False)
    if country:
        page.country_tags.add(PublicationCountryTag(country=Country.objects.get(alpha2=country)))
    if theme:
        page.theme_tags.add(PublicationThemeTag(theme=Theme.objects.get(slug=theme)))
    if gcm:
        page.gcm_tags.add(PublicationGCMTag(objective=GCMObjective.objects.get(number=gcm)))
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Four live publications with different types, years and tags, one draft, one private."""
    with rolled_back_after_module(django_db_blocker):
        yield _catalogue(make_index(HomePage.objects.get(), slug="catalogue"))


def _catalogue(index):
    tagged(index, "Fees Nepal", type_=PublicationType.RESEARCH_PAPER, date=datetime.date(2024, 5, 1),
           country="NP", theme="fair-recruitment", gcm=6)  # fmt: skip
    tagged(index, "Remittances Sri Lanka", type_=PublicationType.POLICY_BRIEF, date=datetime.date(2023, 2, 1),
           country="LK", theme="remittances", gcm=20)  # fmt: skip
    tagged(index, "Returnees Nepal", type_=PublicationType.POLICY_BRIEF, date=datetime.date(2025, 1, 9),
           country="NP", theme="return-reintegration", gcm=21)  # fmt: skip
    tagged(index, "Data report", type_=PublicationType.REPORT, date=datetime.date(2022, 7, 7))
    tagged(index, "Secret draft Nepal", type_=PublicationType.POLICY_BRIEF, date=datetime.date(2025, 6, 1),
           country="NP", live=False)  # fmt: skip
    private = tagged(index, "Private Nepal", type_=PublicationType.POLICY_BRIEF, date=datetime.date(2025, 3, 1),
                     country="NP")  # fmt: skip
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return index


@pytest.mark.django_db
class TestListing:
    def test_newest_first_without_drafts_or_private_pages(self, client, catalogue):
        response = client.get(catalogue.url)
        assert response.status_code == 200
        assert titles(response) == ["Returnees Nepal", "Fees Nepal", "Remittances Sri Lanka", "Data report"]

    @pytest.mark.parametrize(
        "query,expected",
        [
            ("type=policy_brief", ["Returnees Nepal", "Remittances Sri Lanka"]),
            ("year=2024", ["Fees Nepal"]),
            ("country=NP", ["Returnees Nepal", "Fees Nepal"]),
            ("country=np", ["Returnees Nepal", "Fees Nepal"]),
            ("theme=remittances", ["Remittances Sri Lanka"]),
            ("gcm=21", ["Returnees Nepal"]),
            ("country=NP&type=research_paper", ["Fees Nepal"]),
            ("country=NP&year=2023", []),
        ],
    )
    def test_filters(self, client, catalogue, query, expected):
        response = client.get(f"{catalogue.url}?{query}")
        assert response.status_code == 200
        assert titles(response) == expected
        assert notices(response) == ""

    @pytest.mark.parametrize(
        "query,notice",
        [
            ("type=novel", "“novel” is not a publication type"),
            ("year=abc", "“abc” is not a year"),
            ("year=99999", "“99999” is not a year"),
            ("country=XX", "“XX” is not a country code"),
            ("country=Nepal", "“Nepal” is not a country code"),
            ("theme=astrology", "“astrology” is not one of our themes"),
            ("gcm=24", "“24” is not a GCM objective"),
            ("gcm=-1", "“-1” is not a GCM objective"),
            ("gcm=6x", "“6x” is not a GCM objective"),
            ("country=%00NP", "control characters"),
            ("theme=" + "x" * 300, "too long"),
        ],
    )
    def test_bad_values_are_ignored_with_a_notice(self, client, catalogue, query, notice):
        response = client.get(f"{catalogue.url}?{query}")
        assert response.status_code == 200
        assert notice in notices(response)
        assert len(titles(response)) == 4

    def test_a_bad_value_does_not_drop_the_good_ones(self, client, catalogue):
        response = client.get(f"{catalogue.url}?country=NP&type=novel&gcm=zzz")
        assert titles(response) == ["Returnees Nepal", "Fees Nepal"]
        assert "novel" in notices(response) and "zzz" in notices(response)

    def test_the_form_shows_the_selected_values_and_labels(self, client, catalogue):
        soup = BeautifulSoup(client.get(f"{catalogue.url}?country=NP&year=2024").content, "html.parser")
        for select in soup.select(".pub-filters select"):
            assert soup.find("label", attrs={"for": select["id"]}) is not None
        assert soup.select_one("#filter-country option[selected]")["value"] == "NP"
        assert soup.select_one("#filter-year option[selected]")["value"] == "2024"
        years = [o["value"] for o in soup.select("#filter-year option") if o["value"]]
        assert years == ["2025", "2024", "2023", "2022"]  # only years that have live publications


@pytest.fixture(scope="module")
def many(django_db_setup, django_db_blocker):
    with rolled_back_after_module(django_db_blocker):
        index = make_index(HomePage.objects.get(), slug="many")
        for day in range(1, 13):
            make_publication(
                index,
                title=f"Brief {day:02d}",
                publication_type=PublicationType.POLICY_BRIEF if day % 2 else PublicationType.REPORT,
                publication_date=datetime.date(2024, 1, day),
            )
        yield index


@pytest.mark.django_db
class TestPagination:
    def test_pages_of_ten_keep_the_filters(self, client, many):
        first = client.get(many.url)
        assert titles(first) == [f"Brief {d:02d}" for d in range(12, 2, -1)]
        second = client.get(f"{many.url}?page=2")
        assert titles(second) == ["Brief 02", "Brief 01"]
        filtered = BeautifulSoup(client.get(f"{many.url}?type=report").content, "html.parser")
        assert not filtered.select(".pagination")  # six reports fit on one page
        soup = BeautifulSoup(first.content, "html.parser")
        assert soup.select_one('.pagination a[rel="next"]')["href"] == "?page=2"

    def test_filter_survives_in_page_links(self, client, many, monkeypatch):
        monkeypatch.setattr(type(many), "per_page", 2)
        soup = BeautifulSoup(client.get(f"{many.url}?type=report").content, "html.parser")
        assert soup.select_one('.pagination a[rel="next"]')["href"] == "?type=report&page=2"

    @pytest.mark.parametrize("page", ["999", "abc", "-1", "0", "1e3"])
    def test_odd_page_numbers_show_a_page(self, client, many, page):
        response = client.get(f"{many.url}?page={page}")
        assert response.status_code == 200
        assert len(titles(response)) in (2, 10)

    def test_query_count_does_not_grow_with_the_list(self, client, many, django_assert_max_num_queries):
        with django_assert_max_num_queries(40):
            client.get(many.url)
