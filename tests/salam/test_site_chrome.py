"""The cached header and footer: every change an editor makes to the page tree shows on the next request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from publications.models import PublicationIndexPage
from salam import site_chrome
from salam.models import CentreSettings, StandardPage
from tests.factories.publications import make_index

pytestmark = pytest.mark.django_db

FALLBACK = 'href="/publications/">Publications</a>'


@pytest.fixture
def cached(settings):
    """The header cache switched on (the test settings read it afresh) and empty."""
    settings.SITE_CHROME_CACHE_SECONDS = 600
    cache.delete_many([site_chrome.GENERATION_KEY, site_chrome.CHROME_KEY])
    yield
    cache.delete_many([site_chrome.GENERATION_KEY, site_chrome.CHROME_KEY])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a change queued for after its commit, as a real request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _nav(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('<nav class="site-nav"') : html.index("</nav>")]


def _draft_index(site_root, slug: str = "research") -> PublicationIndexPage:
    index = PublicationIndexPage(title="Research", slug=slug, intro="Papers.", live=False)
    site_root.add_child(instance=index)
    return index


def test_the_second_request_reads_the_header_from_the_cache(client, site_root, cached, django_assert_max_num_queries):
    make_index(site_root, slug="research")  # the cache is empty: no commit needed
    client.get("/")
    with django_assert_max_num_queries(0):
        chrome = site_chrome.get_site_chrome()
    assert chrome.navigation[0] == {"label": "Publications", "url": "/research/"}
    assert [p.name for p in chrome.partners][:1] == ["International Institute for Population Sciences"]
    assert chrome.centre.funder_short_name == "SDC"


def test_a_newly_published_page_shows_on_the_next_request(client, site_root, cached, committed):
    index = _draft_index(site_root)
    assert FALLBACK in _nav(client)  # cached now, without the draft
    with committed():
        index.save_revision().publish()
    assert 'href="/research/">Publications</a>' in _nav(client)


def test_an_unpublished_page_goes_at_once(client, site_root, cached, committed):
    with committed():  # as the editor's request that published it would
        index = make_index(site_root, slug="research")
    assert 'href="/research/"' in _nav(client)
    with committed():
        index.unpublish()
    nav = _nav(client)
    assert "/research/" not in nav and FALLBACK in nav


def test_a_page_made_private_goes_at_once(client, site_root, cached, committed):
    with committed():  # as the editor's request that published it would
        index = make_index(site_root, slug="research")
    assert 'href="/research/"' in _nav(client)
    with committed():
        PageViewRestriction.objects.create(page=index, restriction_type="password", password="x")
    assert "/research/" not in _nav(client)
    # And comes back when the restriction is lifted.
    with committed():
        PageViewRestriction.objects.filter(page=index).delete()
    assert 'href="/research/"' in _nav(client)


def test_a_private_parent_hides_the_page_under_it(client, site_root, cached, committed):
    with committed():
        section = StandardPage(title="Section", slug="section", intro="x")
        site_root.add_child(instance=section)
        index = make_index(section, slug="research")
    assert 'href="/section/research/"' in _nav(client)
    with committed():
        PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert "/section/research/" not in _nav(client)
    assert index.live


def test_a_moved_page_shows_its_new_address(client, site_root, cached, committed):
    section = StandardPage(title="Section", slug="section", intro="x")
    site_root.add_child(instance=section)
    section.save_revision().publish()
    with committed():  # as the editor's request that published it would
        index = make_index(site_root, slug="research")
    assert 'href="/research/"' in _nav(client)
    with committed():
        index.move(section, pos="last-child")
    assert 'href="/section/research/">Publications</a>' in _nav(client)


def test_a_deleted_page_goes_at_once(client, site_root, cached, committed):
    with committed():  # as the editor's request that published it would
        index = make_index(site_root, slug="research")
    assert 'href="/research/"' in _nav(client)
    with committed():
        index.delete()
    assert FALLBACK in _nav(client)


def test_a_page_created_live_by_code_shows(client, site_root, cached, committed):
    assert FALLBACK in _nav(client)
    with committed():
        site_root.add_child(instance=PublicationIndexPage(title="Research", slug="research", intro="x"))
    assert 'href="/research/"' in _nav(client)


def test_centre_settings_edits_show_in_the_footer(client, site_root, cached, committed):
    assert "Swiss Agency for Development and Cooperation" in client.get("/").content.decode()
    centre = CentreSettings.load()
    with committed():
        centre.funder_name = "A new funder"
        centre.save()
    html = client.get("/").content.decode()
    assert "A new funder" in html and "Swiss Agency" not in html
    with committed():
        centre.partners.filter(name="Institute of Policy Studies").delete()
    assert "Institute of Policy Studies" not in client.get("/").content.decode()


def test_an_editor_warming_the_cache_shows_anonymous_readers_nothing_more(client, site_root, cached):
    """The cached header is the same for everybody: what an editor's request caches holds no draft or private page."""
    _draft_index(site_root, slug="draft-research")
    private = StandardPage(title="Private", slug="private", intro="x")
    site_root.add_child(instance=private)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    CentreSettings.objects.update(about_page=private)
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    editor_html = client.get("/").content.decode()
    client.logout()
    anonymous_html = client.get("/").content.decode()
    for html in (editor_html, anonymous_html):
        assert "draft-research" not in html
        assert FALLBACK in html
    # The About link names the private page (visitors are asked to sign in there), for both alike.
    assert 'href="/private/">About</a>' in editor_html and 'href="/private/">About</a>' in anonymous_html


def test_a_change_is_not_announced_before_it_commits(site_root, cached, django_capture_on_commit_callbacks):
    site_chrome.get_site_chrome()
    before = cache.get(site_chrome.GENERATION_KEY)
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            make_index(site_root, slug="research").unpublish()
        # Not yet: another request could read the old tree and cache it under a new generation.
        assert cache.get(site_chrome.GENERATION_KEY) == before
    ours = [c for c in callbacks if c is site_chrome._new_generation]
    assert ours
    ours[0]()
    assert cache.get(site_chrome.GENERATION_KEY) != before


def test_a_stale_copy_from_an_old_generation_is_never_served(site_root, cached):
    site_chrome.get_site_chrome()
    generation = cache.get(site_chrome.GENERATION_KEY)
    stale = site_chrome.SiteChrome(navigation=[{"label": "Old", "url": "/old/"}], centre=CentreSettings.load())
    cache.set(site_chrome.CHROME_KEY, ("an older generation", stale))
    assert cache.get(site_chrome.GENERATION_KEY) == generation
    assert site_chrome.get_site_chrome().navigation[0]["label"] == "Publications"


def test_zero_seconds_reads_the_header_on_every_request(site_root, settings):
    settings.SITE_CHROME_CACHE_SECONDS = 0
    site_chrome.get_site_chrome()
    with CaptureQueriesContext(connection) as queries:
        site_chrome.get_site_chrome()
    # Partners, and each index page with the view restrictions it is checked against.
    assert len(queries) >= 3
    assert cache.get(site_chrome.CHROME_KEY) is None


def test_a_broken_cache_still_serves_the_header(site_root, cached, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(site_chrome.cache, "get_many", broken)
    assert site_chrome.get_site_chrome().navigation[0]["url"] == "/publications/"
    monkeypatch.undo()
    # Nor one that reads but cannot start a generation or store the copy.
    for method in ("add", "set"):
        monkeypatch.setattr(site_chrome.cache, method, broken)
    assert site_chrome.get_site_chrome().navigation[-1] == {"label": "About", "url": "/about/"}
