"""A small repository: public, embargoed, draft, private, withdrawn and deleted publications."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from tests.factories import search as factories


def build_shelf(site_root) -> dict:
    """Publications of every visibility, by name; withdrawn, deleted and made-private ones were public first."""
    today = datetime.date.today()
    pages = {
        "open": factories.publication(
            site_root,
            "Recruitment fees in Nepal",
            pages=["Fees text"],
            countries=["NP"],
            gcm=[6],
            authors=["Anjali Sharma"],
        ),
        "embargoed": factories.publication(
            site_root,
            "Wage theft in Qatar",
            pages=["Secret text"],
            countries=["QA"],
            embargo_until=today + datetime.timedelta(days=30),
        ),
        "lifted": factories.publication(
            site_root,
            "Remittances to Bangladesh",
            pages=["Remittance text"],
            countries=["BD"],
            themes=["remittances"],
            embargo_until=today - datetime.timedelta(days=3),
            publication_type="report",
        ),
        "plain": factories.publication(
            site_root, "Return migration to Sri Lanka", countries=["LK"], publication_type="report"
        ),
        "draft": factories.publication(site_root, "A draft on Kuwait", live=False, countries=["KW"]),
        "private": factories.publication(site_root, "A private paper on Oman", live=False, countries=["OM"]),
        "made_private": factories.publication(site_root, "Made private: Malaysia", countries=["MY"]),
        "withdrawn": factories.publication(site_root, "Withdrawn paper on India", countries=["IN"], gcm=[6]),
        "deleted": factories.publication(site_root, "Deleted paper on Pakistan", countries=["PK"]),
    }
    # Private from the start (restricted, then published): harvesters never saw it.
    PageViewRestriction.objects.create(page=pages["private"], restriction_type=PageViewRestriction.LOGIN)
    pages["private"].save_revision().publish()
    PageViewRestriction.objects.create(page=pages["made_private"], restriction_type=PageViewRestriction.LOGIN)
    past = timezone.now() - datetime.timedelta(days=10)
    pages.update(
        lecture_upcoming=factories.lecture(site_root, "Upcoming: fair recruitment corridors", countries=["NP"]),
        lecture_recorded=factories.lecture(
            site_root,
            "Recorded: wage protection",
            start=past,
            recording_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        lecture_draft=factories.lecture(site_root, "Draft lecture on Kuwait", live=False),
        lecture_private=factories.lecture(site_root, "Private lecture on Oman", live=False),
    )
    PageViewRestriction.objects.create(page=pages["lecture_private"], restriction_type=PageViewRestriction.LOGIN)
    pages["lecture_private"].save_revision().publish()
    pages["withdrawn"].unpublish()
    pages["deleted"].delete()
    return pages


@pytest.fixture(scope="module")
def module_shelf(django_db_setup, django_db_blocker):
    """The shelf built once per module inside a transaction that is rolled back after the module.

    Each test's own transaction nests in it as a savepoint, so what a test changes is undone too.
    """
    from salam.models import HomePage

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_shelf(HomePage.objects.get())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shelf(module_shelf, db):
    """The module's shelf with fresh page objects (a test may publish or unpublish them)."""
    fresh = {}
    for name, page in module_shelf.items():
        found = Page.objects.filter(pk=page.pk).first()
        fresh[name] = found.specific if found is not None else page
    return fresh


@pytest.fixture
def live_shelf(transactional_db, site_root):
    """A shelf committed for a live server (transactional tests cannot share the module's)."""
    return build_shelf(site_root)


PUBLIC = ("open", "embargoed", "lifted", "plain")
DELETED = ("withdrawn", "deleted", "made_private")
HIDDEN = ("draft", "private")
