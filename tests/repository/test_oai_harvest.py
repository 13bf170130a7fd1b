"""A real harvester (sickle) pulls the whole repository from a live server through resumption tokens."""

from __future__ import annotations

import pytest
from sickle import Sickle

from tests.repository.conftest import DELETED, HIDDEN, PUBLIC
from tests.repository.test_oai import ident
from tests.repository.xml_schemas import validate


class ValidatingSickle(Sickle):
    """Sickle that validates every response it receives against the OAI-PMH schemas."""

    responses: list[str]

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        validate(response.raw.encode())
        self.responses = [*getattr(self, "responses", []), response.raw]
        return response


# serialized_rollback: the flush after a transactional test would otherwise leave the next tests
# without the home page and taxonomy the migrations created.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sickle_harvests_every_public_record_and_the_deletions_through_resumption_tokens(
    live_shelf, live_server, settings
):
    shelf = live_shelf
    settings.OAI_PAGE_SIZE = 2  # seven records in four answers
    sickle = ValidatingSickle(f"{live_server.url}/oai", max_retries=0)

    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "datacite"}
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {"type", "type:report", "country:NP", "theme:remittances", "gcm:6"} <= specs

    for prefix in ("oai_dc", "datacite"):
        sickle.responses = []
        records = list(sickle.ListRecords(metadataPrefix=prefix, ignore_deleted=False))
        assert len(sickle.responses) == 4  # seven records, two an answer
        seen = [record.header.identifier for record in records]
        assert len(seen) == len(set(seen)), "a record came twice across pages"
        assert set(seen) == {ident(shelf[name]) for name in PUBLIC + DELETED}
        deleted = {record.header.identifier for record in records if record.header.deleted}
        assert deleted == {ident(shelf[name]) for name in DELETED}
        for name in HIDDEN:
            assert all(shelf[name].title not in raw for raw in sickle.responses)
        assert "Secret text" not in "".join(sickle.responses)

    by_id = {r.header.identifier: r for r in sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=True)}
    pdf = shelf["open"].pdf.url
    assert any(value.endswith(pdf) for value in by_id[ident(shelf["open"])].metadata["identifier"])
    embargoed = by_id[ident(shelf["embargoed"])].metadata
    assert embargoed["title"] == ["Wage theft in Qatar"]
    assert not any(shelf["embargoed"].pdf.url in value for value in embargoed["identifier"])
    assert "info:eu-repo/semantics/embargoedAccess" in embargoed["rights"]
    assert any(shelf["lifted"].pdf.url in value for value in by_id[ident(shelf["lifted"])].metadata["identifier"])

    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="country:NP"))
    assert [h.identifier for h in headers] == [ident(shelf["open"])]
    in_gcm6 = {
        h.identifier: h.deleted
        for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="gcm:6", ignore_deleted=False)
    }
    assert in_gcm6 == {ident(shelf["open"]): False, ident(shelf["withdrawn"]): True}
