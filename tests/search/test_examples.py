"""The examples under the search box, run on the demo content (`manage.py load_demo`): each finds something."""

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command

from search import indexing

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]


@pytest.fixture
def demo(site_root, run_on_commit, search_index):
    with run_on_commit():
        call_command("load_demo", stdout=io.StringIO())
    indexing.refresh()


def example_queries(client) -> list[str]:
    html = client.get("/search/").content.decode()
    help_text = re.search(r'<p id="search-help"[^>]*>(.*?)</p>', html, flags=re.S).group(1)
    return [parse_qs(urlparse(unescape(href)).query)["q"][0] for href in re.findall(r'href="([^"]+)"', help_text)]


def test_every_example_finds_something_on_the_demo(client, demo):
    queries = example_queries(client)
    assert len(queries) == 3 and any(" -" in q for q in queries)  # an exclusion is among them
    for q in queries:
        html = client.get("/search/", {"q": q}).content.decode()
        assert 'class="result"' in html, f"the example {q!r} finds nothing on the demo"
        assert "Showing results for" not in html and "Did you mean" not in html, q
