"""OAI-PMH 2.0 at /oai: a real harvester (sickle) through resumption tokens, every answer schema-valid."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import PageViewRestriction

from repository.models import OaiRecord
from tests.repository.conftest import DELETED, HIDDEN, PUBLIC
from tests.repository.xml_schemas import NS, validate

pytestmark = pytest.mark.django_db

IDENTIFIER = "oai:salam-hub.example:publication/{}"


def ident(page) -> str:
    return IDENTIFIER.format(page.pk)


def oai(client, **query) -> etree._Element:
    response = client.get("/oai", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return validate(response.content)


def error_code(root: etree._Element) -> str | None:
    error = root.find("oai:error", NS)
    return None if error is None else error.get("code")


def test_get_record_in_both_formats_and_a_deleted_one(shelf, client):
    root = oai(client, verb="GetRecord", identifier=ident(shelf["open"]), metadataPrefix="datacite")
    resource = root.find(".//d:resource", NS)
    assert resource.findtext("d:titles/d:title", namespaces=NS) == "Recruitment fees in Nepal"
    assert resource.findtext("d:creators/d:creator/d:creatorName", namespaces=NS) == "Anjali Sharma"
    assert "Nepal" in [e.text for e in resource.iterfind("d:geoLocations/d:geoLocation/d:geoLocationPlace", NS)]
    root = oai(client, verb="GetRecord", identifier=ident(shelf["open"]), metadataPrefix="oai_dc")
    assert "gcm:6" in [e.text for e in root.iterfind(".//oai:header/oai:setSpec", NS)]
    for name in DELETED:
        root = oai(client, verb="GetRecord", identifier=ident(shelf[name]), metadataPrefix="oai_dc")
        assert root.find(".//oai:header", NS).get("status") == "deleted"
        assert root.find(".//oai:metadata", NS) is None
    for name in HIDDEN:
        root = oai(client, verb="GetRecord", identifier=ident(shelf[name]), metadataPrefix="oai_dc")
        assert error_code(root) == "idDoesNotExist"


BAD_REQUESTS = [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": ["Identify", "ListSets"]}, "badVerb"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-1-5"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-05T10:00:00"}, "badArgument"),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-05", "until": "2024-01-06T00:00:00Z"},
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-01", "until": "2024-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "country:XX"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "planet:mars"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marcxml"}, "cannotDisseminateFormat"),
    (
        {"verb": "GetRecord", "identifier": "oai:salam-hub.example:publication/1", "metadataPrefix": "mods"},
        "cannotDisseminateFormat",
    ),
    (
        {"verb": "GetRecord", "identifier": "oai:elsewhere.org:publication/1", "metadataPrefix": "oai_dc"},
        "idDoesNotExist",
    ),
    (
        {"verb": "GetRecord", "identifier": "oai:salam-hub.example:publication/\uff19", "metadataPrefix": "oai_dc"},
        "idDoesNotExist",
    ),
    ({"verb": "ListMetadataFormats", "identifier": "oai:salam-hub.example:publication/999999"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "theme:fair-recruitment"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
]


def test_bad_arguments_answer_the_protocol_error_code(shelf, client):
    # One shelf for every case: building it is the slow part.
    for query, code in BAD_REQUESTS:
        root = oai(client, **query)
        assert error_code(root) == code, query
        if code in ("badVerb", "badArgument"):
            assert dict(root.find("oai:request", NS).attrib) == {}, query  # protocol 3.6: nothing echoed
    # noMetadataFormats cannot happen (every record has both formats) nor noSetHierarchy (sets exist).


def test_resumption_tokens_are_bound_to_their_verb_and_expire(shelf, client, settings):
    settings.OAI_PAGE_SIZE = 2
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.find(".//oai:resumptionToken", NS)
    assert token.get("cursor") == "0" and token.get("completeListSize") == "7"
    expires = datetime.datetime.fromisoformat(token.get("expirationDate").replace("Z", "+00:00"))
    assert timezone.now() + datetime.timedelta(hours=23) < expires
    assert error_code(oai(client, verb="ListIdentifiers", resumptionToken=token.text)) == "badResumptionToken"
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token.text[:-2] + "xx")) == "badResumptionToken"
    second = oai(client, verb="ListRecords", resumptionToken=token.text)
    assert second.find(".//oai:resumptionToken", NS).get("cursor") == "2"
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 25 * 3600):
        old = oai(client, verb="ListRecords", metadataPrefix="oai_dc").find(".//oai:resumptionToken", NS).text
    root = oai(client, verb="ListRecords", resumptionToken=old)
    assert error_code(root) == "badResumptionToken" and "expired" in root.findtext("oai:error", namespaces=NS)


def test_from_and_until_select_by_datestamp_at_both_granularities(shelf, client):
    old = datetime.datetime(2020, 5, 17, 10, 30, 15, 500000, tzinfo=datetime.UTC)
    for name in ("plain",):
        page = shelf[name]
        type(page).objects.filter(pk=page.pk).update(last_published_at=old, first_published_at=old)
        OaiRecord.objects.filter(page_id=page.pk).update(datestamp=old)
    OaiRecord.objects.filter(page_id=shelf["deleted"].pk).update(datestamp=old)

    def listed(**query) -> set[str]:
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **query)
        return {e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)}

    both = {ident(shelf["plain"]), ident(shelf["deleted"])}
    assert listed(until="2020-05-17") == both
    assert listed(until="2020-05-17T10:30:15Z") == both  # the fraction of a second does not hide it
    assert (
        error_code(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2020-05-17T10:30:14Z"))
        == "noRecordsMatch"
    )
    assert listed(**{"from": "2020-05-17T10:30:15Z", "until": "2020-05-18T00:00:00Z"}) == both
    assert not both & listed(**{"from": "2020-05-18"})
    root = oai(client, verb="GetRecord", identifier=ident(shelf["plain"]), metadataPrefix="oai_dc")
    assert root.findtext(".//oai:header/oai:datestamp", namespaces=NS) == "2020-05-17T10:30:15Z"


def test_a_withdrawn_publication_comes_back_when_published_again(shelf, client):
    page = shelf["withdrawn"]
    page.save_revision().publish()
    page.refresh_from_db()
    root = oai(client, verb="GetRecord", identifier=ident(page), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") is None
    assert root.findtext(".//dc:title", namespaces=NS) == "Withdrawn paper on India"
    page.unpublish()
    root = oai(client, verb="GetRecord", identifier=ident(page), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") == "deleted"

    # Harvesters may POST too; other methods are refused.
    response = client.post("/oai", {"verb": "Identify"})
    root = validate(response.content)
    assert root.findtext(".//oai:repositoryName", namespaces=NS) == "SALAM knowledge hub"
    assert client.put("/oai").status_code == 405


def test_a_move_under_a_private_section_withdraws_the_record_and_a_move_out_brings_it_back(shelf, client):
    from publications.models import PublicationIndexPage
    from tests.factories.publications import make_index

    index = shelf["plain"].get_parent()
    private_index = make_index(index.get_parent(), title="Internal", slug="internal")
    PageViewRestriction.objects.create(page=private_index, restriction_type=PageViewRestriction.LOGIN)
    shelf["plain"].move(private_index, pos="last-child")
    root = oai(client, verb="GetRecord", identifier=ident(shelf["plain"]), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") == "deleted"
    page = type(shelf["plain"]).objects.get(pk=shelf["plain"].pk)
    page.move(PublicationIndexPage.objects.get(pk=index.pk), pos="last-child")
    root = oai(client, verb="GetRecord", identifier=ident(page), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") is None


def test_the_end_of_an_embargo_gives_the_record_a_new_datestamp(shelf, client):
    page = shelf["embargoed"]
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    type(page).objects.filter(pk=page.pk).update(last_published_at=long_ago, first_published_at=long_ago)
    OaiRecord.objects.filter(page_id=page.pk).update(datestamp=long_ago)

    def stamp() -> str:
        root = oai(client, verb="GetRecord", identifier=ident(page), metadataPrefix="oai_dc")
        return root.findtext(".//oai:header/oai:datestamp", namespaces=NS)

    assert stamp() == "2020-01-01T00:00:00Z"
    lifted = datetime.date.today() - datetime.timedelta(days=1)
    type(page).objects.filter(pk=page.pk).update(embargo_until=lifted)
    assert stamp() == f"{lifted.isoformat()}T00:00:00Z"  # incremental harvests pick up the new PDF link
    root = oai(client, verb="GetRecord", identifier=ident(page), metadataPrefix="oai_dc")
    assert any(page.pdf.url in e.text for e in root.iterfind(".//dc:identifier", NS))


def test_the_ledger_migration_records_the_publications_public_before_it(shelf, client):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("repository.migrations.0002_ledger_of_public_publications")
    OaiRecord.objects.all().delete()
    migration.backfill(apps, None)
    recorded = dict(OaiRecord.objects.values_list("page_id", "set_specs"))
    assert set(recorded) == {shelf[name].pk for name in PUBLIC}  # not the draft, private or withdrawn ones
    assert recorded[shelf["open"].pk].split() == ["type", "type:policy_brief", "country", "country:NP", "gcm", "gcm:6"]
    shelf["plain"].unpublish()  # withdrawn after the ledger arrived: a tombstone
    root = oai(client, verb="GetRecord", identifier=ident(shelf["plain"]), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") == "deleted"
