"""Editors choose the home page's featured publications; visitors see only the live public ones."""

import pytest

pytestmark = pytest.mark.django_db
DEAD_URL = "http://127.0.0.1:9"


def test_featured_publications_in_the_editors_order_without_drafts_or_private_pages(
    client, site_root, settings, monkeypatch
):
    from wagtail.models import PageViewRestriction

    from publications import services
    from salam.models import HomeFeatured
    from tests.factories.publications import make_index, make_publication

    settings.ELASTICSEARCH_URL = DEAD_URL  # the figures are left out; this test is about the picks
    monkeypatch.setattr(services, "request_extraction", lambda *args, **kwargs: None)
    index = make_index(site_root)
    second = make_publication(index, title="Picked second", live=True)
    first = make_publication(index, title="Picked first", live=True)
    draft = make_publication(index, title="Picked draft", live=False)
    private = make_publication(index, title="Picked private", live=True)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    for order, page in enumerate([first, draft, private, second]):
        HomeFeatured.objects.create(home=site_root, page=page, sort_order=order)
    html = client.get("/").content.decode()
    featured = html.split('id="featured-heading"')[1].split("</section>")[0]
    assert featured.index("Picked first") < featured.index("Picked second")
    assert "Picked draft" not in html and "Picked private" not in html
