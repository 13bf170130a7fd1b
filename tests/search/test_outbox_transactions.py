"""A page change and its index outbox row commit together, or not at all.

The failure is injected where it hurts: the outbox insert raises a database error after Wagtail
has changed the page. Before, the unpublish (or the new privacy rule) was already committed, the
page stayed searchable and nothing would ever replay it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from wagtail.models import PageViewRestriction

from publications.models import PublicationPage
from search.models import IndexOutbox
from tests.factories import search as factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def page(site_root):
    page = factories.publication(site_root, "Wage theft in the Gulf")
    IndexOutbox.objects.all().delete()
    return page


@pytest.fixture
def failing_outbox(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("the outbox could not be written")

    monkeypatch.setattr(IndexOutbox.objects, "bulk_create", fail)


def test_publishing_and_unpublishing_write_the_outbox_row_with_the_change(site_root, page):
    page.unpublish()
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [page.pk]
    IndexOutbox.objects.all().delete()
    page.save_revision().publish()
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [page.pk]


def test_a_draft_save_writes_no_outbox_row(site_root, page):
    page.title = "A new title in a draft"
    page.save_revision()
    assert not IndexOutbox.objects.exists()


def test_an_unpublish_whose_outbox_row_fails_is_rolled_back(site_root, page, failing_outbox):
    with pytest.raises(DatabaseError):
        page.unpublish()
    assert PublicationPage.objects.get(pk=page.pk).live


def test_unpublishing_in_the_admin_rolls_back_when_the_outbox_fails(admin_client, page, failing_outbox):
    response = admin_client.post(f"/admin/pages/{page.pk}/unpublish/", {})
    assert response.status_code == 500
    assert PublicationPage.objects.get(pk=page.pk).live


def test_making_a_page_private_in_the_admin_rolls_back_when_the_outbox_fails(admin_client, page, failing_outbox):
    response = admin_client.post(f"/admin/pages/{page.pk}/privacy/", {"restriction_type": "login"})
    assert response.status_code == 500
    assert not PageViewRestriction.objects.filter(page=page).exists()


def test_making_a_page_private_in_the_admin_queues_it(admin_client, page):
    response = admin_client.post(f"/admin/pages/{page.pk}/privacy/", {"restriction_type": "login"})
    assert response.status_code == 200
    assert PageViewRestriction.objects.filter(page=page).exists()
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [page.pk]


def test_republishing_the_live_revision_queues_the_page(site_root, page):
    """Publishing again without a change (nothing about the page's live state changes) still reaches
    the index: it is how an editor puts back a page the index lost."""
    page.refresh_from_db()
    page.live_revision.publish()
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [page.pk]


def test_bulk_publishing_an_unchanged_live_page_in_the_admin_queues_it_once(admin_client, page):
    """The page listing's bulk "Publish" publishes the latest revision, the live one when nothing changed."""
    response = admin_client.post(f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}", {})
    assert response.status_code == 302
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [page.pk]


def test_bulk_publishing_a_page_that_is_not_indexed_queues_nothing(admin_client, site_root):
    """Only page types the public index follows are queued (the home page is not one)."""
    response = admin_client.post(f"/admin/bulk/wagtailcore/page/publish/?id={site_root.pk}", {})
    assert response.status_code == 302
    assert not IndexOutbox.objects.exists()
