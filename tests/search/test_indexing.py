"""Keeping the index in step with the page tree, through the outbox, against the real server:
publish, drafts, unpublish, delete, privacy, embargo, new PDF text, transcripts, and outages."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from search import indexing, tasks
from search.faceted import run_search
from search.models import IndexOutbox, SearchState
from search.params import SearchParams
from search.tasks import process_outbox
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

PAGES = [
    "Introduction. Households in the hill districts depend on work abroad.",
    "Most migrant workers paid recruitment fees to agents in Kathmandu before leaving for Qatar.",
]
DEAD_URL = "http://127.0.0.1:9"  # nothing listens on the discard port


def found(q="", **filters) -> list[int]:
    indexing.refresh()
    params = SearchParams(q=q, filters={k: tuple(v) for k, v in filters.items()})
    return [hit.page_id for hit in run_search(params).hits]


def indexed_source(es_client, page_id) -> dict | None:
    indexing.refresh(es_client)
    response = es_client.search(index=indexing.alias_name(), query={"ids": {"values": [str(page_id)]}})
    hits = response["hits"]["hits"]
    return hits[0]["_source"] if hits else None


@pytest.fixture
def publish(run_on_commit, site_root):
    """Create and publish a publication, running the outbox replay that follows the commit."""

    def make(title="Recruitment fees in Nepal", **kwargs):
        with run_on_commit():
            page = factories.publication(site_root, title, **kwargs)
        return page

    return make


@pytest.mark.usefixtures("search_index")
class TestFollowingThePageTree:
    def test_publishing_indexes_metadata_tags_and_text_per_page(self, publish, es_client):
        page = publish(
            pages=PAGES, countries=["NP", "QA"], themes=["fair-recruitment"], gcm=[6], authors=["Anjali Sharma"]
        )
        source = indexed_source(es_client, page.pk)
        assert source["title"] == "Recruitment fees in Nepal"
        assert source["countries"] == ["NP", "QA"] and source["country_names"] == ["Nepal", "Qatar"]
        assert source["themes"] == ["fair-recruitment"] and source["gcm"] == ["6"]
        assert source["authors"] == ["Anjali Sharma"]
        assert source["url"] == page.url
        assert IndexOutbox.objects.count() == 0
        results = run_search(SearchParams(q="agents Kathmandu"))
        assert [h.page_id for h in results.hits] == [page.pk]
        assert results.hits[0].passages[0].where == "page 2"

    def test_a_draft_is_neither_indexed_nor_queued(self, run_on_commit, site_root, es_client):
        with run_on_commit():
            draft = factories.publication(site_root, "Unpublished recruitment study", pages=PAGES, live=False)
        assert IndexOutbox.objects.count() == 0
        assert found("unpublished") == []
        # Saving a new draft of a live page does not touch the index either.
        with run_on_commit():
            live = factories.publication(site_root, "Live recruitment study", pages=PAGES)
        live.title = "Draft title nobody should find"
        with run_on_commit():
            live.save_revision()
        assert IndexOutbox.objects.count() == 0
        assert found("nobody should find") == []
        assert found("live recruitment") == [live.pk]
        assert draft.pk not in found()

    def test_unpublish_and_delete_remove_the_document(self, publish, run_on_commit, es_client):
        first, second = publish("First study of remittances"), publish("Second study of remittances")
        assert sorted(found("remittances")) == sorted([first.pk, second.pk])
        with run_on_commit():
            first.unpublish()
        assert found("remittances") == [second.pk]
        with run_on_commit():
            second.delete()
        assert found("remittances") == []

    def test_publishing_an_unchanged_page_again_puts_back_what_the_index_lost(self, publish, run_on_commit, es_client):
        page, private = publish("Lost study of remittances"), publish("Private study of remittances")
        with run_on_commit():
            PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        es_client.delete(index=indexing.alias_name(), id=str(page.pk), refresh=True)  # the index lost it
        assert found("remittances") == []
        for lost in (page, private):
            lost.refresh_from_db()
            with run_on_commit():
                lost.live_revision.publish()  # the same revision: nothing about the page changes
        assert found("remittances") == [page.pk]  # back; the private page stays out
        assert IndexOutbox.objects.count() == 0

    def test_privacy_on_an_ancestor_hides_the_subtree_and_lifting_it_restores(self, publish, run_on_commit):
        page = publish("Confidential notes on wage theft", pages=PAGES)
        assert found("wage theft") == [page.pk]
        with run_on_commit():
            restriction = PageViewRestriction.objects.create(
                page=page.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="secret"
            )
        assert found("wage theft") == []
        assert found("agents Kathmandu") == []
        with run_on_commit():
            restriction.delete()
        assert found("wage theft") == [page.pk]

    def test_embargoed_text_is_not_indexed_until_the_embargo_lifts(self, publish, run_on_commit, es_client):
        today = timezone.localdate()
        page = publish("Embargoed survey of returnees", pages=PAGES, embargo_until=today + datetime.timedelta(days=30))
        source = indexed_source(es_client, page.pk)
        assert source["full_text_public"] is False and source["has_full_text"] is False
        assert source.get("pages", []) == []
        # Metadata is public; the text is neither searchable nor highlighted.
        assert found("embargoed survey") == [page.pk]
        assert found("agents Kathmandu") == []
        hit = run_search(SearchParams(q="returnees")).hits[0]
        assert hit.passages == [] and hit.embargo_until == (today + datetime.timedelta(days=30)).isoformat()

        # The date arrives: the daily sweep queues it and the text becomes searchable.
        type(page).objects.filter(pk=page.pk).update(embargo_until=today)
        SearchState.objects.update_or_create(
            key=tasks.EMBARGO_STATE,
            defaults={"value": {"through": (today - datetime.timedelta(days=1)).isoformat()}},
        )
        with run_on_commit():
            assert tasks.queue_lifted_embargoes(today) == 1
        assert found("agents Kathmandu") == [page.pk]
        # The sweep remembers how far it got: nothing is queued twice.
        with run_on_commit():
            assert tasks.queue_lifted_embargoes(today) == 0

    def test_new_pdf_text_is_indexed_when_the_extractor_says_so(self, run_on_commit, site_root):
        from publications import services
        from publications.models import PdfExtraction
        from tests.factories.publications import make_document, make_publication, pdf_bytes

        document = make_document(pdf_bytes(("Stranded seafarers waited months for their wages.",)), name="sea.pdf")
        # Published while the PDF is still waiting to be read: metadata only.
        PdfExtraction.objects.create(
            document=document, file_name=document.file.name, file_size=document.file_size, file_hash=document.file_hash
        )
        with run_on_commit():
            page = make_publication(factories.publications_index(site_root), title="Seafarers", pdf=document)
        assert found("seafarers") == [page.pk]
        assert found("stranded") == []
        # The real extractor (pdfminer in a child process) reads the PDF and sends pdf_text_extracted.
        with run_on_commit():
            services.run_extraction(document.pk)
        assert PdfExtraction.objects.get(document=document).status == "done"
        assert found("stranded") == [page.pk]

    def test_transcript_changes_of_a_live_lecture_are_indexed_with_times(self, run_on_commit, site_root):
        with run_on_commit():
            lecture = factories.lecture(site_root, "Public lecture on domestic work", countries=["PH"])
        assert found("domestic work", type=["lecture"]) == [lecture.pk]
        lecture.transcript = "[00:00:05] Welcome everyone.\n[00:12:30] Kafala ties a worker's visa to one employer."
        with run_on_commit():
            lecture.save()
        indexing.refresh()
        results = run_search(SearchParams(q="kafala"))
        assert [h.page_id for h in results.hits] == [lecture.pk]
        assert results.hits[0].passages[0].where == "at 12:30"
        assert "<mark>Kafala</mark>" in results.hits[0].passages[0].html


@pytest.mark.usefixtures("search_index")
class TestOutage:
    def test_nothing_is_lost_while_elasticsearch_is_down(self, publish, run_on_commit, settings):
        gone = publish("Old study of labour attachés")
        live_url = settings.ELASTICSEARCH_URL
        settings.ELASTICSEARCH_URL = DEAD_URL
        first = publish("Study written during the outage")
        second = publish("Another study written during the outage")
        with run_on_commit():
            gone.unpublish()
        rows = IndexOutbox.objects.order_by("id")
        assert sorted(rows.values_list("page_id", flat=True)) == sorted([first.pk, second.pk, gone.pk])
        assert all(row.attempts >= 1 and "ConnectionError" in row.last_error for row in rows)

        settings.ELASTICSEARCH_URL = live_url
        result = process_outbox.enqueue()
        assert result.return_value["remaining"] == 0
        assert IndexOutbox.objects.count() == 0
        assert sorted(found("outage")) == sorted([first.pk, second.pk])
        assert found("attachés") == []

    def test_a_missing_index_keeps_the_rows_with_a_clear_reason(self, publish, es_client):
        factories.drop_all(es_client)
        page = publish("Written before the index exists")
        row = IndexOutbox.objects.get(page_id=page.pk)
        assert "search_index --rebuild" in row.last_error
        factories.fresh_index(es_client)
        assert indexing.replay_outbox().synced == 1
        assert found("before the index") == [page.pk]

    def test_a_page_whose_document_cannot_be_built_does_not_block_the_others(self, publish, settings, monkeypatch):
        from dataclasses import replace

        from search import builders

        live_url = settings.ELASTICSEARCH_URL
        settings.ELASTICSEARCH_URL = DEAD_URL
        good, bad = publish("A good page about remittances"), publish("A bad page about remittances")
        settings.ELASTICSEARCH_URL = live_url

        def broken(page, today):
            if page.pk == bad.pk:
                raise ValueError("corrupt extraction record")
            return builders.build_content(page, today)

        # A bug in one page's data, simulated: the builder raises for that page only.
        publications_type, *others = builders.indexed_types()
        monkeypatch.setattr(builders, "indexed_types", lambda: [replace(publications_type, build=broken), *others])
        report = indexing.replay_outbox()
        assert report.synced == 1 and report.failed == 1
        assert found("remittances") == [good.pk]
        rows = list(IndexOutbox.objects.all())  # publishing, then the tagger's republish, each queued the page
        assert {row.page_id for row in rows} == {bad.pk}
        assert all("corrupt extraction record" in row.last_error for row in rows)


@pytest.mark.usefixtures("search_index")
def test_bulk_reading_builds_the_same_documents_as_the_page_relations(site_root, run_on_commit):
    from search import builders

    with run_on_commit():
        page = factories.publication(
            site_root,
            "Tagged and authored",
            pages=PAGES,
            countries=["QA", "NP"],
            themes=["remittances", "fair-recruitment"],
            gcm=[20, 6],
            authors=["Second Author", "First Author"],
        )
        page.keywords.add("wages", "agents")
        page.save_revision().publish()
    publications = builders.indexed_types()[0]
    preloaded = builders.documents_for([page.pk])[page.pk]
    plain = builders.build_document(publications, publications.queryset().get(pk=page.pk), timezone.localdate())
    assert preloaded == plain
    assert preloaded["countries"] == ["QA", "NP"] and preloaded["authors"] == ["Second Author", "First Author"]
    assert preloaded["gcm"] == ["6", "20"] and preloaded["keywords"] == ["agents", "wages"]
    assert [p["number"] for p in preloaded["pages"]] == [1, 2]


def test_documents_prepared_together_equal_documents_prepared_one_by_one(monkeypatch):
    from search import analysis, documents

    sources = [
        factories.synthetic("Recruitment fees in Nepal", pages=PAGES, country_names=["Nepal", "Qatar"]),
        factories.synthetic("Workers' wages", keywords=["wage theft"], theme_names=["Fair recruitment"]),
        factories.synthetic("Abstract only", abstract="Migrants' remittances don't cover 5km of roads."),
    ]
    one_by_one = [documents.prepare(source) for source in sources]
    monkeypatch.setattr(analysis, "_LEMMAS", {})
    monkeypatch.setattr(analysis, "_CHUNKS", {})
    assert documents.prepare_many(sources) == one_by_one
