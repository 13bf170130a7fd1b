"""The impact figures (plain data), the public impact pages and their CSV, and the admin dashboard panel."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from lectures.models import Registration, RegistrationStatus
from publications.models import PublicationCountryTag, PublicationGCMTag, PublicationType
from salam.models import HomePage
from tests.factories.lectures import make_lecture
from tests.factories.publications import AuthorFactory, make_index, make_publication
from tests.publications.conftest import rolled_back_after_module
from themes.models import Country, GCMObjective
from usage import figures
from usage.models import DailyUsage, UsageKind, UsageVisit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 20)


@pytest.fixture(scope="module")
def hub(django_db_setup, django_db_blocker):
    """Two public publications, a draft and a private one, with usage counted for all four (built once)."""
    with rolled_back_after_module(django_db_blocker):
        yield _build_hub(make_index(HomePage.objects.get()))


def _build_hub(index):
    writer, hidden_writer = AuthorFactory(name="Sita Gurung"), AuthorFactory(name="Hidden Writer")
    brief = make_publication(index, title="Fees brief", authors=[writer], publication_date=datetime.date(2025, 5, 1))
    paper = make_publication(
        index,
        title="Remittances paper",
        authors=[writer],
        publication_type=PublicationType.RESEARCH_PAPER,
        publication_date=datetime.date(2026, 1, 9),
    )
    draft = make_publication(index, title="Draft secret study", live=False, authors=[hidden_writer])
    private = make_publication(index, title="Private secret study", authors=[hidden_writer])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    nepal, qatar = Country.objects.get(alpha2="NP"), Country.objects.get(alpha2="QA")
    for page, country in [(brief, nepal), (paper, nepal), (paper, qatar), (private, qatar)]:
        PublicationCountryTag.objects.create(page=page, country=country)
    PublicationGCMTag.objects.create(page=brief, objective=GCMObjective.objects.get(number=6))
    rows = [
        (brief, UsageKind.VIEW, datetime.date(2026, 2, 3), 5, 4),
        (brief, UsageKind.DOWNLOAD, datetime.date(2026, 2, 3), 2, 2),
        (paper, UsageKind.VIEW, datetime.date(2026, 3, 1), 7, 3),
        (paper, UsageKind.VIEW, datetime.date(2025, 1, 1), 100, 90),  # outside a 12-month window
        (private, UsageKind.DOWNLOAD, datetime.date(2026, 3, 2), 50, 50),  # counted before it was made private
        (draft, UsageKind.VIEW, datetime.date(2026, 3, 2), 40, 40),
    ]
    for page, kind, day, total, visitors in rows:
        DailyUsage.objects.create(page=page, kind=kind, day=day, total=total, visitors=visitors)
    # Today's visits, not rolled up yet.
    UsageVisit.objects.create(day=TODAY, visitor="a" * 64, page=paper, kind=UsageKind.DOWNLOAD, requests=2, last_ms=0)
    UsageVisit.objects.create(day=TODAY, visitor="b" * 64, page=paper, kind=UsageKind.DOWNLOAD, requests=1, last_ms=0)
    return {"writer": writer, "hidden_writer": hidden_writer, "brief": brief, "paper": paper,
            "draft": draft, "private": private}  # fmt: skip


def test_centre_figures_count_only_public_publications(hub):
    result = figures.centre_figures(12, today=TODAY)
    assert result.publications == 2
    types = [value for value, _ in result.types]
    by_year = {row.year: dict(zip(types, row.by_type, strict=True)) for row in result.by_year}
    assert by_year[2025][PublicationType.POLICY_BRIEF] == 1
    assert by_year[2026][PublicationType.RESEARCH_PAPER] == 1
    assert sum(row.total for row in result.by_year) == 2
    months = {month.month: month for month in result.usage}
    assert len(result.usage) == 12 and result.usage[-1].month == datetime.date(2026, 3, 1)
    assert (months[datetime.date(2026, 2, 1)].views, months[datetime.date(2026, 2, 1)].view_visitors) == (5, 4)
    march = months[datetime.date(2026, 3, 1)]
    assert (march.views, march.downloads, march.download_visitors) == (7, 3, 2)  # the private PDF's 50 are not here
    assert result.totals == {"views": 12, "view_visitors": 7, "downloads": 5, "download_visitors": 4}
    assert [(c.code, c.publications) for c in result.countries] == [("NP", 2), ("QA", 1)]
    assert [(o.code, o.publications) for o in result.objectives] == [("6", 1)]
    assert [(t.title, t.downloads, t.views) for t in result.top] == [("Remittances paper", 3, 7), ("Fees brief", 2, 5)]


def test_author_and_publication_figures(hub):
    mine = figures.author_figures(hub["writer"], 12, today=TODAY)
    assert mine.publications == 2 and mine.lectures is None
    assert figures.author_figures(hub["hidden_writer"], 12, today=TODAY).publications == 0
    one = figures.publication_figures(hub["brief"], 24, today=TODAY)
    assert one.publications == 1 and one.totals["views"] == 5 and len(one.usage) == 24


def test_lecture_figures_count_registrations_check_ins_and_recordings(site_root):
    now = timezone.now()
    past = make_lecture(start=now - datetime.timedelta(days=10), recording_url="https://vimeo.com/123456")
    make_lecture(start=now + datetime.timedelta(days=10))
    hidden = make_lecture(start=now - datetime.timedelta(days=5), live=False)
    details = {"organisation": "", "country": "NP", "role": "researcher", "consent_at": now}
    people = [
        (RegistrationStatus.CONFIRMED, True),
        (RegistrationStatus.CONFIRMED, False),
        (RegistrationStatus.WAITING, False),
    ]
    for number, (status, checked_in) in enumerate(people):
        Registration.objects.create(lecture=past, status=status, name=f"P {number}", email=f"p{number}@example.org",
                                    checked_in_at=now if checked_in else None, **details)  # fmt: skip
    Registration.objects.create(lecture=hidden, status=RegistrationStatus.CONFIRMED, name="H", email="h@example.org",
                                checked_in_at=now, **details)  # fmt: skip
    result = figures.lecture_figures(now)
    assert (result.held, result.upcoming, result.recordings) == (1, 1, 1)
    assert (result.registrations, result.confirmed, result.waiting, result.attended) == (3, 2, 1, 1)


def test_the_impact_page_shows_tables_and_hides_drafts_and_private_pages(client, hub):
    response = client.get("/impact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fees brief" in html and "Remittances paper" in html
    assert f'href="/impact/publications/{hub["paper"].pk}/"' in html
    assert "secret study" not in html
    assert "<caption" in html and "Views of publication pages and PDF downloads per month" in html
    assert 'href="/impact/figures.csv?months=12"' in html
    assert "<script>" not in html.split("</head>")[1] and 'style="' not in html


def test_the_csv_parses_and_holds_the_same_figures(client, hub):
    response = client.get("/impact/figures.csv?months=24")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "measure", "value"]
    table = {(section, item, measure): value for section, item, measure, value in rows[1:]}
    assert table[("summary", "SALAM", "publications")] == "2"
    assert table[("countries", "Nepal (NP)", "publications")] == "2"
    assert ("lectures", "public lectures", "attended") in table
    assert not any("secret" in cell for row in rows for cell in row)


@pytest.mark.parametrize("months", ["0", "61", "abc", "²", "-3", "1" * 40, "12.5"])
def test_bad_months_are_explained_on_the_page_and_refused_by_the_csv(client, hub, months):
    page = client.get("/impact/", {"months": months})
    assert page.status_code == 200
    assert "must be a whole number from 1 to 60" in page.content.decode()
    assert client.get("/impact/figures.csv", {"months": months}).status_code == 400


def test_author_and_publication_pages_exist_only_for_public_work(client, hub):
    assert client.get(f"/impact/authors/{hub['writer'].pk}/").status_code == 200
    rows = list(csv.reader(io.StringIO(client.get(f"/impact/authors/{hub['writer'].pk}/figures.csv").content.decode())))
    assert ["summary", "Sita Gurung", "publications", "2"] in rows
    assert client.get(f"/impact/authors/{hub['hidden_writer'].pk}/").status_code == 404
    assert client.get(f"/impact/authors/{hub['hidden_writer'].pk}/figures.csv").status_code == 404
    assert client.get("/impact/authors/999999999/").status_code == 404
    assert client.get(f"/impact/publications/{hub['brief'].pk}/").status_code == 200
    for hidden in (hub["draft"], hub["private"]):
        assert client.get(f"/impact/publications/{hidden.pk}/").status_code == 404
        assert client.get(f"/impact/publications/{hidden.pk}/figures.csv").status_code == 404


def test_editors_see_the_figures_on_the_admin_dashboard(client, hub, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Impact: the centre" in html and "Views of publication pages and PDF downloads per month" in html


def test_the_impact_page_draws_its_figures_as_charts_with_tables(client, hub):
    """Use per month and publications per year are pictures too, each with its numbers as a table."""
    html = client.get("/impact/?months=3").content.decode()
    for chart_id, title in (
        ("impact-views", "Views per month"),
        ("impact-downloads", "Downloads per month"),
        ("impact-years", "Publications per year, by type"),
    ):
        assert f'<figcaption id="{chart_id}-cap" class="chart__caption">{title}</figcaption>' in html, title
    years = html.split('id="impact-years-cap"')[1].split("</figure>")[0]
    assert 'role="img"' in years and "Show the numbers as a table" in years
    # Only public work is drawn: the two public publications, not the draft or the private study.
    totals = [int(cell) for cell in re.findall(r"<td>(\d+)</td>\s*</tr>", years)]
    assert sum(totals[:-1] if len(totals) > 1 else totals) == 2, years
