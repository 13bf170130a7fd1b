"""Fixtures of the publications tests: an index under the home page, authors, a PDF document."""

import contextlib

import pytest
from django.db import transaction

from publications.models import Author
from tests.factories.publications import AuthorFactory, make_document, make_index


@pytest.fixture
def index(site_root):
    return make_index(site_root)


@pytest.fixture
def author(db):
    # One record per ORCID iD: a module's shared data may hold this person already.
    existing = Author.objects.filter(orcid="0000-0002-1825-0097").first()
    return existing or AuthorFactory(
        name="Anjali Sharma", affiliation="Centre for Labour Mobility Research", orcid="0000-0002-1825-0097"
    )


@pytest.fixture
def pdf_document(db):
    return make_document()


@contextlib.contextmanager
def rolled_back_after_module(django_db_blocker):
    """Build data once for a module inside a transaction that is rolled back at the end.

    Each test's own transaction nests inside it as a savepoint (as Django's setUpTestData does),
    so tests still cannot see each other's changes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
