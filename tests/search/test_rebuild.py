"""Rebuilding without downtime, and the search_index command (rebuild, status, check, outbox)."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from search import builders, documents, indexing, status
from search.exceptions import RebuildIncomplete
from search.faceted import run_search
from search.models import IndexOutbox
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

DEAD_URL = "http://127.0.0.1:9"


def found(q="") -> list[int]:
    indexing.refresh()
    return sorted(hit.page_id for hit in run_search(SearchParams(q=q, page_size=50)).hits)


def command(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    # skip_checks=False: run the command as the shell does, system checks included (a method of
    # the command once shadowed BaseCommand.check and every invocation ran the index check instead).
    call_command("search_index", *args, stdout=out, stderr=err, skip_checks=False)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def three_pages(site_root, run_on_commit, search_index):
    with run_on_commit():
        pages = [
            factories.publication(site_root, f"Study {n} of remittance corridors", pages=[f"Corridor number {n}."])
            for n in (1, 2, 3)
        ]
    indexing.refresh()
    return pages


class TestRebuild:
    def test_searches_keep_answering_and_the_old_index_goes_after_the_swap(self, three_pages, es_client, monkeypatch):
        old = indexing.indices_with_alias(es_client, documents.alias_name())
        ids = sorted(p.pk for p in three_pages)
        seen_during = []

        def during(done):
            # Mid-rebuild the alias still points at the old, complete index.
            seen_during.append(
                (done, indexing.indices_with_alias(es_client, documents.alias_name()), found("corridors"))
            )

        building_settings = []
        original_send = indexing._bulk_pipeline

        def send_and_look(client, *args):
            for results in original_send(client, *args):
                new = indexing.indices_with_alias(es_client, documents.building_alias_name())[0]
                building_settings.append(es_client.indices.get_settings(index=new, flat_settings=True)[new]["settings"])
                yield results

        monkeypatch.setattr(indexing, "_bulk_pipeline", send_and_look)
        report = indexing.rebuild(chunk_size=1, on_chunk=during, threads=1)
        assert report.documents == 3
        # Loaded without refreshes, replicas or a synchronous translog; live with the ordinary settings.
        loading = building_settings[0]
        assert loading["index.refresh_interval"] == "-1" and loading["index.number_of_replicas"] == "0"
        assert loading["index.translog.durability"] == "async"
        live = es_client.indices.get_settings(index=report.index, flat_settings=True)[report.index]["settings"]
        assert live["index.refresh_interval"] == "1s" and live["index.translog.durability"] == "request"
        assert live["index.number_of_replicas"] == str(settings.SEARCH_INDEX_REPLICAS)
        assert [done for done, _, _ in seen_during] == [1, 2, 3]
        for _, alias_target, results in seen_during:
            assert alias_target == old and results == ids
        assert indexing.indices_with_alias(es_client, documents.alias_name()) == [report.index]
        assert report.index != old[0] and report.removed == old
        assert not es_client.indices.exists(index=old[0])
        assert not indexing.indices_with_alias(es_client, documents.building_alias_name())
        assert found("corridors") == ids

    def test_changes_during_a_rebuild_win_over_what_it_read_before(self, three_pages, run_on_commit, es_client):
        stale = list(builders.iter_all_documents())  # read before the change, sent after it
        gone, edited = three_pages[2], three_pages[1]

        def source():
            yield stale[0]
            with run_on_commit():
                gone.unpublish()
                edited.title = "Study 2 renamed during the rebuild"
                edited.save_revision().publish()
            yield from stale[1:]

        report = indexing.rebuild(documents=source(), chunk_size=1, threads=1)
        assert report.documents == 3  # the stale copies were refused as older (409), not errors
        assert found("corridors") == sorted(p.pk for p in three_pages[:2])
        assert found("renamed") == [edited.pk]

    def test_an_interrupted_rebuild_leaves_nothing_behind(self, three_pages, es_client):
        old = indexing.indices_with_alias(es_client, documents.alias_name())

        def failing():
            yield from builders.iter_all_documents()
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError):
            indexing.rebuild(documents=failing(), threads=1)
        assert indexing.indices_with_alias(es_client, documents.alias_name()) == old
        assert not indexing.indices_with_alias(es_client, documents.building_alias_name())
        assert found("corridors") == sorted(p.pk for p in three_pages)

    @staticmethod
    def _one_refused(pages):
        """Every page's real document, the first one with a year Elasticsearch refuses (year is an integer)."""
        refused = pages[0].pk
        for page_id, document in builders.iter_all_documents():
            yield page_id, ({**document, "year": "not a year"} if page_id == refused else document)

    def test_a_document_refused_once_is_sent_again_before_the_swap(self, three_pages, es_client):
        """A node lost mid-load refuses writes for a moment: the refused page goes in on the second try."""
        old = indexing.indices_with_alias(es_client, documents.alias_name())
        report = indexing.rebuild(documents=self._one_refused(three_pages), threads=0)
        assert report.errors == {} and report.documents == 3
        assert indexing.indices_with_alias(es_client, documents.alias_name()) != old
        assert found("corridors") == sorted(p.pk for p in three_pages)

    def test_a_document_refused_twice_abandons_the_rebuild_and_the_old_index_serves(
        self, three_pages, es_client, monkeypatch
    ):
        old = indexing.indices_with_alias(es_client, documents.alias_name())
        refused = three_pages[0].pk
        real = builders.documents_for
        monkeypatch.setattr(
            builders, "documents_for", lambda ids: {k: {**v, "year": "still not"} for k, v in real(ids).items()}
        )
        with pytest.raises(RebuildIncomplete, match=f"refused 1 documents twice \\(page {refused}: "):
            indexing.rebuild(documents=self._one_refused(three_pages), threads=0)
        assert indexing.indices_with_alias(es_client, documents.alias_name()) == old
        assert not indexing.indices_with_alias(es_client, documents.building_alias_name())
        assert found("corridors") == sorted(p.pk for p in three_pages)

    def test_with_no_old_index_a_rebuild_goes_in_with_its_refusals_reported(self, three_pages, es_client, monkeypatch):
        for index in indexing.indices_with_alias(es_client, documents.alias_name()):
            es_client.indices.delete(index=index)
        real = builders.documents_for
        monkeypatch.setattr(
            builders, "documents_for", lambda ids: {k: {**v, "year": "still not"} for k, v in real(ids).items()}
        )
        report = indexing.rebuild(documents=self._one_refused(three_pages), threads=0)
        assert list(report.errors) == [three_pages[0].pk] and report.documents == 2
        assert found("corridors") == sorted(p.pk for p in three_pages[1:])

    @pytest.mark.parametrize("threads", [0, 1, 2])
    def test_chunks_sent_while_the_next_is_built_index_exactly_the_public_documents(
        self, site_root, search_index, es_client, threads
    ):
        import datetime

        from django.utils import timezone
        from wagtail.models import PageViewRestriction

        text = ["Agents in Kathmandu charged recruitment fees.", "Remittances paid for school fees."]
        public = [factories.publication(site_root, f"Corridor study {n}", pages=text) for n in range(5)]
        later = timezone.localdate() + datetime.timedelta(days=30)
        embargoed = factories.publication(site_root, "Embargoed corridor study", pages=text, embargo_until=later)
        draft = factories.publication(site_root, "Draft corridor study", pages=text, live=False)
        private = factories.publication(site_root, "Private corridor study", pages=text)
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")

        # Chunks of two: several bulk requests, each sent while the next chunk is being built.
        report = indexing.rebuild(chunk_size=2, threads=threads)
        expected = builders.documents_for(p.pk for p in [*public, embargoed, draft, private])
        assert expected[draft.pk] is None and expected[private.pk] is None
        assert expected[embargoed.pk]["pages"] == [] and expected[embargoed.pk]["full_text_public"] is False

        indexed = {p.pk for p in [*public, embargoed]}
        assert report.documents == len(indexed) and not report.errors
        indexing.refresh(es_client)
        hits = es_client.search(index=documents.alias_name(), size=50)["hits"]["hits"]
        assert {int(hit["_id"]) for hit in hits} == indexed
        for hit in hits:
            built = expected[int(hit["_id"])]
            assert hit["_source"] == {k: v for k, v in built.items() if k not in documents.SOURCE_EXCLUDES}
        # The embargoed text and the private page are not searchable either.
        assert found("Kathmandu") == sorted(p.pk for p in public)
        assert found("private") == [] and found("draft") == []


class TestCommand:
    def test_rebuild_shows_progress_and_swaps(self, three_pages, es_client):
        output = command("--rebuild")
        assert "Indexed 3 documents" in output
        assert "Indexing: 100%" in output  # the tqdm bar, on stderr
        assert found("corridors") == sorted(p.pk for p in three_pages)

    def test_rebuild_if_empty_only_when_missing_or_empty(self, three_pages, es_client):
        before = indexing.indices_with_alias(es_client, documents.alias_name())
        assert "nothing to do" in command("--rebuild", "--if-empty", "--no-progress")
        assert indexing.indices_with_alias(es_client, documents.alias_name()) == before
        factories.drop_all(es_client)
        assert "Indexed 3 documents" in command("--rebuild", "--if-empty", "--no-progress")
        factories.fresh_index(es_client)  # present but empty
        assert "Indexed 3 documents" in command("--rebuild", "--if-empty", "--no-progress")

    def test_status_and_check_when_up_to_date(self, three_pages):
        output = command("--status")
        assert "publication: 3 in the database, 3 in the index" in output
        assert "Outbox: 0 pending" in output
        assert "up to date" in command("--check")

    def test_check_fails_when_the_index_is_missing(self, three_pages, es_client):
        factories.drop_all(es_client)
        with pytest.raises(CommandError) as error:
            command("--check")
        assert error.value.returncode == 1

    def test_check_fails_when_the_index_is_out_of_date(self, three_pages, site_root, settings, run_on_commit):
        live_url = settings.ELASTICSEARCH_URL
        settings.ELASTICSEARCH_URL = DEAD_URL
        with run_on_commit():
            factories.publication(site_root, "Published while search was down")
        settings.ELASTICSEARCH_URL = live_url
        with pytest.raises(CommandError) as error:
            command("--check")
        assert error.value.returncode == 1
        report = status.status(deep=True)
        assert "publication: 4 in the database, 3 in the index." in report.problems
        assert any("1 pages missing from the index" in p for p in report.problems)
        assert "Outbox: 1 pending, 1 failed at least once" in command("--status")
        assert "1 pages synced" in command("--process-outbox")
        assert "up to date" in command("--check")

    def test_check_notices_a_stale_document(self, three_pages, es_client):
        page = three_pages[0]
        es_client.update(
            index=documents.alias_name(),
            id=str(page.pk),
            doc={"published_at": "2000-01-01T00:00:00+00:00"},
            refresh=True,
        )
        problems = status.status(deep=True).problems
        assert any("older than their page's last publication" in p for p in problems)

    def test_elasticsearch_down_gives_a_clear_error(self, settings, db):
        settings.ELASTICSEARCH_URL = DEAD_URL
        with pytest.raises(CommandError, match="Elasticsearch is not available"):
            command("--status")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            ((), "one of the arguments"),
            (("--if-empty",), "one of the arguments"),
            (("--status", "--if-empty"), "--if-empty only goes with --rebuild"),
            (("--status", "--check"), "not allowed with argument"),
            (("--rebuild", "--bogus"), "unrecognized arguments"),
        ],
    )
    def test_bad_arguments(self, args, message, db):
        with pytest.raises(CommandError, match=message):
            command(*args)

    def test_lift_embargoes(self, db):
        assert "0 publications queued" in command("--lift-embargoes")
        assert IndexOutbox.objects.count() == 0
