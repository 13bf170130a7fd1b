"""sitemap.xml, robots.txt and the PDF link Google Scholar follows (citation_pdf_url)."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from wagtail.models import Collection, CollectionViewRestriction

from tests.repository.conftest import DELETED, HIDDEN
from tests.repository.test_oai import ident
from themes.models import Country

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    # Pages carry the host of Wagtail's Site record, landing pages the request's: compare paths.
    return {urlsplit(loc.text).path for loc in root.iterfind("s:url/s:loc", SITEMAP_NS)}


def test_sitemap_lists_live_public_pages_and_landing_pages_only(shelf, client):
    Country.objects.create(alpha2="FR", alpha3="FRA", name="France")  # tagged somewhere, not of the region
    urls = sitemap_paths(client)
    for name in ("open", "embargoed", "lifted", "plain", "lecture_upcoming", "lecture_recorded"):
        assert shelf[name].url in urls, name
    for name in (*HIDDEN, *DELETED, "lecture_draft", "lecture_private"):
        assert not any(f"/{shelf[name].slug}/" in url for url in urls), name
    for path in ("/countries/np/", "/themes/remittances/", "/gcm/6/", "/gcm/23/"):
        assert path in urls, path
    assert "/countries/fr/" not in urls  # only the region's countries have landing pages worth crawling


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_searches(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /search/?" in lines
    assert "Disallow: /search/" not in lines  # the search page itself may be crawled
    assert client.post("/robots.txt").status_code == 405


def scholar_pdf_url(client, page) -> str | None:
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    tag = soup.find("meta", attrs={"name": "citation_pdf_url"})
    return tag["content"] if tag else None


def test_citation_pdf_url_only_where_anyone_may_download_the_pdf(shelf, client):
    url = scholar_pdf_url(client, shelf["open"])
    assert url == f"http://testserver{shelf['open'].pdf.url}"
    assert client.get(url).status_code == 200  # Scholar can follow it
    assert scholar_pdf_url(client, shelf["lifted"])
    assert scholar_pdf_url(client, shelf["embargoed"]) is None
    assert client.get(shelf["embargoed"].pdf.url).status_code == 403
    assert scholar_pdf_url(client, shelf["plain"]) is None  # no PDF at all

    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    document = shelf["open"].pdf
    document.collection = private
    document.save()
    assert client.get(document.url).status_code != 200
    assert scholar_pdf_url(client, shelf["open"]) is None
    # Nor do the feed and the OAI-PMH record point to it.
    parsed = feedparser.parse(client.get("/feeds/publications/country/NP/").content)
    assert [entry.title for entry in parsed.entries] == ["Recruitment fees in Nepal"]
    assert not [link for link in parsed.entries[0].links if link.rel == "enclosure"]
    oai = client.get("/oai", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ident(shelf["open"])})
    assert document.url not in oai.content.decode() and "Recruitment fees in Nepal" in oai.content.decode()
