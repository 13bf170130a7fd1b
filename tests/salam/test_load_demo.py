"""`manage.py load_demo`: the content `make run` shows, at the programme's scale, safe to run twice."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from lectures.models import LectureIndexPage, LecturePage, Registration
from publications.models import Author, PublicationIndexPage, PublicationPage
from salam.models import CentreSettings, StandardPage


@pytest.mark.django_db
@pytest.mark.slow
def test_load_demo_builds_the_site_once(client, site_root, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Demo content ready" in first
    counts = (PublicationPage.objects.count(), LecturePage.objects.count(), StandardPage.objects.count())
    assert counts == (17, 18, 1)

    call_command("load_demo")
    assert "Demo content ready (0 new pages)" in capsys.readouterr().out
    assert (PublicationPage.objects.count(), LecturePage.objects.count(), StandardPage.objects.count()) == counts
    assert Registration.objects.count() == sum(lecture.registrations.count() for lecture in LecturePage.objects.all())

    assert [p.url for p in PublicationIndexPage.objects.all()] == ["/publications/"]
    assert [p.url for p in LectureIndexPage.objects.all()] == ["/lectures/"]
    assert all(page.url.startswith("/lectures/") and page.url.count("/") == 3 for page in LecturePage.objects.all())
    for url in ("/", "/about/", "/publications/", "/lectures/"):
        assert client.get(url).status_code == 200, url
    home = client.get("/").content.decode()
    assert PublicationPage.objects.live().order_by("-first_published_at").first().title in home
    _at_the_scale_of_the_programme_and_never_naming_the_real_partners(client)


def _at_the_scale_of_the_programme_and_never_naming_the_real_partners(client) -> None:
    # Checked on the same load as idempotence: loading the demo extracts and tags 17 PDFs, the slow part.
    publications = PublicationPage.objects.live()
    types = set(publications.values_list("publication_type", flat=True))
    assert {"research_paper", "working_paper", "policy_brief", "report"} <= types
    # Multi-page PDFs, read and cut into pages (the test settings run the extraction at once).
    page_counts = [len(page.pdf.pdf_extraction.pages) for page in publications]
    assert min(page_counts) >= 4, page_counts

    now = timezone.now()
    lectures = LecturePage.objects.live()
    assert lectures.filter(start__gt=now).count() >= 5 and lectures.filter(start__lt=now).count() >= 10
    past = lectures.filter(start__lt=now)
    assert past.exclude(transcript="").count() >= 5 and past.exclude(slides=None).count() >= 5
    held = Registration.objects.filter(lecture__in=past)
    assert held.count() >= 675 and 0 < held.filter(checked_in_at__isnull=False).count() < held.count()

    countries = set(Author.objects.exclude(country=None).values_list("country__alpha2", flat=True))
    assert {"BD", "IN", "NP", "PK", "LK"} <= countries

    # The centre's real partners publish nothing in the demo: not as publisher, not as affiliation,
    # not in the PDFs' text, not as a speaker's institute.
    partners = list(CentreSettings.load().partners.values_list("name", flat=True))
    assert len(partners) == 5
    assert not publications.exclude(institution=None).exists()
    for page in publications:
        text = " ".join(page.pdf.pdf_extraction.pages)
        for author in page.authors:
            assert author.affiliation not in partners
        for name in partners:
            assert name not in text, (page.title, name)
    for lecture in lectures:
        for link in lecture.lecture_speakers.all():
            assert link.speaker.affiliation not in partners

    # The About page the navigation links to names them, with the programme and the funder.
    about = client.get(CentreSettings.load().about_page.url).content.decode()
    for words in (*partners, "GOALS", "ILO, IOM and UN Women", "Swiss Agency for Development and Cooperation"):
        assert words in about, words


@pytest.mark.django_db
def test_load_demo_runs_the_loaders_the_apps_registered_in_order(site_root, monkeypatch):
    import io

    from salam import demo
    from salam.models import HomePage

    assert [name for name, _loader in demo.demo_loaders()] == ["publications", "lectures"]
    calls = []

    def loader(name):
        def create(home, *, stdout=None):
            calls.append((name, home.pk, stdout is not None))
            return [home] if name == "publications" else []

        return create

    monkeypatch.setattr(demo, "_loaders", {"publications": loader("publications"), "lectures": loader("lectures")})
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    home = HomePage.objects.get()
    assert calls == [("publications", home.pk, True), ("lectures", home.pk, True)]
    # The about page (new on the first run) and the one page the first loader said it created.
    assert "Demo content ready (2 new pages)." in out.getvalue()
