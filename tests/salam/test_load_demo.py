"""`manage.py load_demo`: the content `make run` shows, safe to run twice."""

import pytest
from django.core.management import call_command

from lectures.models import LectureIndexPage, LecturePage
from publications.models import PublicationIndexPage, PublicationPage
from salam.models import StandardPage


@pytest.mark.django_db
@pytest.mark.slow
def test_load_demo_builds_the_site_once(client, site_root, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Demo content ready" in first
    counts = (PublicationPage.objects.count(), LecturePage.objects.count(), StandardPage.objects.count())
    assert counts[0] >= 6 and counts[1] >= 4 and counts[2] == 1

    call_command("load_demo")
    assert "Demo content ready (0 new pages)" in capsys.readouterr().out
    assert (PublicationPage.objects.count(), LecturePage.objects.count(), StandardPage.objects.count()) == counts

    assert [p.url for p in PublicationIndexPage.objects.all()] == ["/publications/"]
    assert [p.url for p in LectureIndexPage.objects.all()] == ["/lectures/"]
    assert all(page.url.startswith("/lectures/") and page.url.count("/") == 3 for page in LecturePage.objects.all())
    for url in ("/", "/about/", "/publications/", "/lectures/"):
        assert client.get(url).status_code == 200, url
    home = client.get("/").content.decode()
    assert PublicationPage.objects.live().order_by("-first_published_at").first().title in home
