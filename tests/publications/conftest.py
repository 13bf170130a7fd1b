"""Fixtures of the publications tests: an index under the home page, authors, a PDF document."""

import pytest

from tests.factories.publications import AuthorFactory, make_document, make_index


@pytest.fixture
def index(site_root):
    return make_index(site_root)


@pytest.fixture
def author(db):
    return AuthorFactory(
        name="Anjali Sharma", affiliation="Centre for Labour Mobility Research", orcid="0000-0002-1825-0097"
    )


@pytest.fixture
def pdf_document(db):
    return make_document()
