"""The registrations content apps make with salam's contract in their AppConfig.ready()."""

import pytest
from django.test import RequestFactory

from publications.services import bibtex_for_pages
from salam import content


def test_publications_register_their_bibtex_export_once():
    assert content._bibtex_exports.count(bibtex_for_pages) == 1
    content.register_bibtex_export(bibtex_for_pages)  # a second ready() (tests, reloads) adds nothing
    assert content._bibtex_exports.count(bibtex_for_pages) == 1


@pytest.mark.django_db
def test_bibtex_entries_leave_out_ids_no_export_can_cite():
    request = RequestFactory().get("/search/export.bib")
    assert content.bibtex_entries([], request) == []
    assert content.bibtex_entries([999_999, -1], request) == []
