"""`manage.py page_weight` and salam.page_weight: CSS+JS bytes per public page type, external requests."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from salam.page_weight import LIMIT_BYTES, _AssetParser, is_external, measure, public_page_types

pytestmark = pytest.mark.django_db


def test_the_parser_finds_stylesheets_scripts_and_everything_the_browser_would_fetch():
    parser = _AssetParser()
    parser.feed(
        '<link rel="stylesheet" href="/static/a.css"><link rel="alternate" href="https://feeds.example.org/x">'
        '<link rel="preload" href="https://fonts.example.com/f.woff2"><script src="/static/b.js"></script>'
        '<script>inline()</script><img src="data:image/png;base64,AAAA" srcset="//cdn.example.net/i.png 2x">'
        '<a href="https://elsewhere.example.org/">a link is not a request</a><iframe src="https://player.example/1">'
    )
    assert parser.stylesheets == ["/static/a.css"] and parser.scripts == ["/static/b.js"]
    external = [url for url in parser.fetched if is_external(url, "hub.example")]
    assert external == ["https://fonts.example.com/f.woff2", "//cdn.example.net/i.png", "https://player.example/1"]
    assert not is_external("https://hub.example/static/a.css", "hub.example")


def _one_page_of_each_type(home) -> None:
    """The page types the demo has, built directly (the demo's PDF extraction would cost far more time)."""
    from datetime import timedelta

    from django.utils import timezone

    from salam.models import StandardPage
    from tests.factories.lectures import make_lecture
    from tests.factories.publications import make_index, make_publication

    about = StandardPage(title="About SALAM", slug="about", intro="The centre and its partners.")
    home.add_child(instance=about)
    about.save_revision().publish()
    make_publication(make_index(home))
    make_lecture(publish_revision=True)
    make_lecture(start=timezone.now() - timedelta(days=30), transcript="[00:00:05] Welcome.", publish_revision=True)


def test_every_public_page_type_loads_under_100_kb_and_nothing_from_elsewhere(site_root, search_index):
    _one_page_of_each_type(site_root)
    pages = dict(public_page_types())
    assert {"home", "publication", "upcoming lecture", "past lecture", "evidence map", "about"} <= set(pages)
    out = io.StringIO()
    call_command("page_weight", "--details", stdout=out)
    printed = out.getvalue()
    assert "All 13 pages under 100 KB, no external requests." in printed, printed
    assert "salam/css/tokens.css" in printed and "css/salam.css" in printed
    weight = measure("publication", pages["publication"])
    assert weight.status == 200 and 0 < weight.total < LIMIT_BYTES
    assert any(url.endswith("salam/css/tokens.css") for url in weight.css)

    # Over a (tiny) limit the command fails and names each page.
    with pytest.raises(CommandError, match=r"home \(/\) loads [\d,]+ bytes of CSS and JS, over 1,024"):
        call_command("page_weight", "--limit-kb", "1", stdout=io.StringIO())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--limit-kb", "lots"], "--limit-kb must be a whole number of kilobytes"),
        (["--limit-kb", "0"], "--limit-kb must be between 1 and 10000"),
        (["--limit-kb", "-5"], "--limit-kb must be between 1 and 10000"),
        (["--path", "about/"], "--path must be an address on this site"),
        (["--path", "//cdn.example.com/x.css"], "--path must be an address on this site"),
        (["--path", "/a b"], "--path must be an address on this site"),
    ],
)
def test_bad_arguments_get_a_clear_error(site_root, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("page_weight", *args, stdout=io.StringIO())


def test_a_page_that_would_fetch_from_another_host_fails(site_root, monkeypatch):
    from salam import page_weight

    real = page_weight.measure

    def with_a_cdn(name, path, client=None, host=None):
        weight = real(name, path, client, host)
        weight.external = ["https://cdn.example.com/framework.css"]
        return weight

    monkeypatch.setattr("salam.management.commands.page_weight.measure", with_a_cdn)
    with pytest.raises(CommandError, match=re.escape("fetch https://cdn.example.com/framework.css from another host")):
        call_command("page_weight", "--path", "/", stdout=io.StringIO())
