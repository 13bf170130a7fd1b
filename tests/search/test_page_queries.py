"""The search page's database reads: a fixed few, however many results it shows (the hits come from the index)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from salam import site_chrome
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]


@pytest.fixture
def library(site_root, run_on_commit, search_index, settings):
    """Eleven live publications on recruitment (one on remittances), a draft and a private one, indexed."""
    from search import indexing

    settings.SITE_CHROME_CACHE_SECONDS = 600  # as deployed: the header comes from the cache
    with run_on_commit():
        for n in range(10):
            factories.publication(
                site_root,
                f"Recruitment study {n}",
                pages=[f"Workers paid recruitment fees, study {n}."],
                countries=["NP", "QA"],
                themes=["fair-recruitment"],
                gcm=[6],
                authors=[f"Author {n}"],
            )
        factories.publication(site_root, "Remittances alone", pages=["Remittances."], countries=["BD"])
        factories.publication(site_root, "Draft recruitment memo", pages=["Recruitment draft."], live=False)
        private = factories.publication(site_root, "Private recruitment memo", pages=["Recruitment secret."])
        PageViewRestriction.objects.create(page=private, restriction_type="login")
    indexing.refresh()
    yield
    from django.core.cache import cache

    cache.delete_many([site_chrome.GENERATION_KEY, site_chrome.CHROME_KEY])


def _queries(client, params: dict) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_query_count_does_not_grow_with_the_hits(client, library):
    client.get("/search/", {"q": "recruitment"})  # taxonomy, synonyms and the header cached
    one, one_html = _queries(client, {"q": "remittances"})
    many, many_html = _queries(client, {"q": "recruitment", "country": "NP", "page_size": "20"})
    assert one_html.count('class="result"') == 1
    assert many_html.count('class="result"') == 10
    # No look-up per hit (cover, URL, specific page) and none for the header once it is cached.
    assert many == one
    assert many <= 1


def test_drafts_and_private_pages_stay_out_of_the_results_and_header(client, library):
    _, html = _queries(client, {"q": "recruitment memo"})
    assert "Draft recruitment memo" not in html and "Private recruitment memo" not in html
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert 'href="/publications/">Publications</a>' in nav


def test_facet_checkboxes_keep_their_labels_counts_and_ticks(client, library):
    _, html = _queries(client, {"q": "recruitment", "country": ["NP", "ZZ"], "gcm": "<b>6"})
    assert (
        '<input type="checkbox" id="f-country-np" name="country" value="NP" checked>\n'
        '  <label for="f-country-np">Nepal <span class="facet__count">(10<span class="visually-hidden"> results' in html
    )
    assert 'id="f-gcm-6" name="gcm" value="6">' in html  # the bad value was dropped, not echoed
    assert "<b>6" not in html and 'value="ZZ"' not in html
