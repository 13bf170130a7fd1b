"""Atom feeds, read back with feedparser: publications (all and per facet), lectures, any search."""

from __future__ import annotations

import feedparser
import pytest
from bs4 import BeautifulSoup

from search import indexing
from tests.repository.conftest import DELETED, HIDDEN

pytestmark = pytest.mark.django_db

NEVER = [*HIDDEN, *DELETED]


def feed(client, url: str, **query) -> feedparser.FeedParserDict:
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def titles(parsed) -> set[str]:
    return {entry.title for entry in parsed.entries}


def test_publication_feeds_list_only_public_ones_and_link_pdfs_after_the_embargo(shelf, client):
    parsed = feed(client, "/feeds/publications/")
    assert parsed.version == "atom10"
    public = {
        "Recruitment fees in Nepal",
        "Wage theft in Qatar",
        "Remittances to Bangladesh",
        "Return migration to Sri Lanka",
    }
    assert titles(parsed) == public
    for name in NEVER:
        assert shelf[name].title not in str(parsed)
    entries = {entry.title: entry for entry in parsed.entries}
    enclosure = [link.href for link in entries["Recruitment fees in Nepal"].links if link.rel == "enclosure"]
    assert enclosure and enclosure[0].endswith(shelf["open"].pdf.url) and enclosure[0].startswith("http://testserver/")
    assert not [link for link in entries["Wage theft in Qatar"].links if link.rel == "enclosure"]
    assert "Secret text" not in str(parsed)
    # Follow the entry's link: it is the public page.
    assert client.get(entries["Recruitment fees in Nepal"].link).status_code == 200

    assert titles(feed(client, "/feeds/publications/country/np/")) == {"Recruitment fees in Nepal"}
    assert titles(feed(client, "/feeds/publications/theme/remittances/")) == {"Remittances to Bangladesh"}
    assert titles(feed(client, "/feeds/publications/gcm/6/")) == {"Recruitment fees in Nepal"}
    assert titles(feed(client, "/feeds/publications/type/report/")) == {
        "Remittances to Bangladesh",
        "Return migration to Sri Lanka",
    }
    assert titles(feed(client, "/feeds/publications/country/OM/")) == set()  # the Oman paper is private
    for bad in ("country/XX", "country/NPL", "theme/no-such-theme", "gcm/24", "gcm/6a", "type/poem", "planet/mars"):
        assert client.get(f"/feeds/publications/{bad}/").status_code == 404, bad


def test_lecture_feeds(shelf, client):
    assert titles(feed(client, "/feeds/lectures/upcoming/")) == {"Upcoming: fair recruitment corridors"}
    assert titles(feed(client, "/feeds/lectures/recordings/")) == {"Recorded: wage protection"}


def test_search_feed_answers_like_the_search_api_and_refuses_bad_parameters(shelf, client, search_index):
    indexing.rebuild(threads=0)  # the shelf is uncommitted: index it from this connection
    parsed = feed(client, "/search/feed/", q="migration")
    found = titles(parsed)
    assert "Return migration to Sri Lanka" in found
    for name in NEVER:
        assert shelf[name].title not in str(parsed)
    assert "Secret text" not in str(parsed)
    assert titles(feed(client, "/search/feed/", country="NP")) >= {"Recruitment fees in Nepal"}
    assert "Remittances to Bangladesh" not in titles(feed(client, "/search/feed/", country="NP"))
    for query, word in (
        ({"country": "XX"}, "country"),
        ({"gcm": "99"}, "GCM"),
        ({"page_size": "ten"}, "page_size"),
        ({"colour": "red"}, "colour"),
        ({"q": "x" * 5000}, "too long"),
    ):
        response = client.get("/search/feed/", query)
        assert response.status_code == 400, query
        assert word in response.content.decode(), query


def test_pages_announce_their_feeds(shelf, client, search_index):
    for url, feed_url in (
        ("/", "/feeds/publications/"),
        ("/countries/NP/", "/feeds/publications/country/NP/"),
        ("/themes/remittances/", "/feeds/publications/theme/remittances/"),
        ("/gcm/6/", "/feeds/publications/gcm/6/"),
        ("/search/?q=migration&country=NP", "/search/feed/?q=migration&amp;country=NP"),
        (shelf["lecture_upcoming"].get_parent().url, "/feeds/lectures/upcoming/"),
    ):
        response = client.get(url)
        html = response.content.decode()
        soup = BeautifulSoup(html, "html.parser")
        links = [link["href"] for link in soup.find_all("link", rel="alternate", type="application/atom+xml")]
        assert any(href.replace("&", "&amp;") == feed_url or href == feed_url for href in links), (url, links)
        for href in links:
            assert client.get(href).status_code in (200, 503), href
