"""`search_index --check --repair`: the deep check names the pages that are wrong, and repair re-indexes them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from search import builders, documents, indexing, status
from search.faceted import run_search
from search.models import IndexOutbox
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

TEXT = ["Agents in Kathmandu took recruitment fees from every worker bound for Qatar."]


def command(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("search_index", *args, stdout=out, stderr=err, skip_checks=False)
    return out.getvalue() + err.getvalue()


def found(q: str) -> list[int]:
    indexing.refresh()
    return sorted(hit.page_id for hit in run_search(SearchParams(q=q, page_size=50)).hits)


@pytest.fixture
def broken_index(site_root, run_on_commit, search_index, es_client):
    """An index wrong in three ways the outbox cannot know about, because its rows were lost."""
    today = timezone.localdate()
    with run_on_commit():
        fine = factories.publication(site_root, "Study of remittance corridors", pages=TEXT)
        extra = factories.publication(site_root, "Study unpublished since", pages=TEXT)
        embargoed = factories.publication(
            site_root, "Study under embargo", pages=TEXT, embargo_until=today + datetime.timedelta(days=10)
        )
    # Lost: the replays after these commits never ran (their callbacks are not run here) and the
    # outbox rows went too, so the publication, the unpublish and the embargo's end never reached the index.
    missing = factories.publication(site_root, "Study the index lost", pages=TEXT)
    extra.unpublish()
    type(embargoed).objects.filter(pk=embargoed.pk).update(embargo_until=today)
    IndexOutbox.objects.all().delete()
    indexing.refresh()
    return {"fine": fine, "missing": missing, "extra": extra, "embargoed": embargoed}


def test_the_deep_status_names_the_pages_that_are_wrong(broken_index):
    report = status.status(deep=True)
    assert report.missing == [broken_index["missing"].pk]
    assert report.extra == [broken_index["extra"].pk]
    assert report.embargo_mismatch == [broken_index["embargoed"].pk]
    assert report.outdated == []
    assert report.pages_to_repair == sorted(broken_index[k].pk for k in ("missing", "extra", "embargoed"))
    assert any("embargo" in problem for problem in report.problems)
    assert status.status(deep=False).missing == []  # only the deep comparison looks at documents


def test_check_alone_reports_and_changes_nothing(broken_index):
    with pytest.raises(CommandError) as error:
        command("--check")
    assert error.value.returncode == 1
    assert IndexOutbox.objects.count() == 0
    assert status.status(deep=True).pages_to_repair == sorted(
        broken_index[k].pk for k in ("missing", "extra", "embargoed")
    )


def test_check_and_repair_fixes_missing_extra_and_embargo(broken_index):
    assert found("kathmandu") == sorted([broken_index["fine"].pk, broken_index["extra"].pk])
    output = command("--check", "--repair")  # no CommandError: exit status 0
    assert "Repaired 3 pages: 1 missing, 1 that should not be there, 0 outdated, 1 with the wrong embargo" in output
    assert "up to date" in output
    assert status.status(deep=True).ok
    assert IndexOutbox.objects.count() == 0
    # The lost page is back, the unpublished one is gone, and the embargo's end made the text searchable.
    assert found("lost") == [broken_index["missing"].pk]
    assert found("unpublished") == []
    assert found("kathmandu") == sorted(broken_index[k].pk for k in ("fine", "missing", "embargoed"))


def test_a_document_written_straight_to_the_index_is_removed(site_root, run_on_commit, search_index, es_client):
    with run_on_commit():
        page = factories.publication(site_root, "The only real study")
    # Written by hand (internal versioning), as a stray script or an old restore would.
    stray = documents.prepare(factories.synthetic("A document no page stands for", page_id=987_654))
    es_client.index(index=documents.alias_name(), id="987654", document=stray, refresh=True)
    assert status.status(deep=True).extra == [987_654]
    assert "1 that should not be there" in command("--check", "--repair")
    assert found("") == [page.pk]


def test_nothing_to_repair(site_root, run_on_commit, search_index):
    with run_on_commit():
        factories.publication(site_root, "A study indexed as it should be")
    indexing.refresh()
    output = command("--check", "--repair")
    assert "up to date" in output and "Repaired" not in output


def test_what_cannot_be_repaired_still_fails_the_check(broken_index, monkeypatch):
    from dataclasses import replace

    missing = broken_index["missing"]

    def broken(page, today):
        if page.pk == missing.pk:
            raise ValueError("corrupt extraction record")
        return builders.build_content(page, today)

    publications_type, *others = builders.indexed_types()
    monkeypatch.setattr(builders, "indexed_types", lambda: [replace(publications_type, build=broken), *others])
    with pytest.raises(CommandError, match="still wrong after the repair") as error:
        command("--check", "--repair")
    assert error.value.returncode == 1
    after = status.status(deep=True)
    assert after.missing == [missing.pk] and after.extra == [] and after.embargo_mismatch == []
    assert "corrupt extraction record" in IndexOutbox.objects.get(page_id=missing.pk).last_error


def test_repair_only_goes_with_check(db):
    with pytest.raises(CommandError, match="--repair only goes with --check"):
        command("--status", "--repair")
