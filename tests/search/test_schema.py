"""The API's result schema is the search hit's: one definition (search.faceted), the API built from it."""

from dataclasses import dataclass, field, fields

from django.utils.safestring import mark_safe

from search.faceted import PAGE_ONLY, Passage, SearchHit
from search.schema import PassageOut, ResultOut, build_schema, result_payload

# Fields the page shows and the API does not, and the API's other names: pinned here, so a field
# leaves the API, or is renamed in it, only on purpose.
PAGE_ONLY_FIELDS = {"subtitle_html", "status", "start", "score"}
RENAMED = {"page_id": "id", "gcm": "gcm_objectives", "number": "page"}


def _api_names(cls) -> list[str]:
    return [RENAMED.get(f.name, f.name) for f in fields(cls) if f.name not in PAGE_ONLY_FIELDS]


def _hit(**changes) -> SearchHit:
    values = {
        "page_id": 7,
        "kind": "publication",
        "type": "report",
        "type_label": "Report",
        "title": "Fees & Nepal",
        "url": "/publications/fees/",
        "authors": ["A. Author"],
        "institution": "SALAM",
        "date": "2024-01-02",
        "year": 2024,
        "language": "en",
        "countries": [("NP", "Nepal")],
        "themes": [("fair-recruitment", "Fair and ethical recruitment")],
        "gcm": [("6", "Facilitate fair and ethical recruitment")],
        "title_html": mark_safe("<mark>Fees</mark> &amp; Nepal"),
        "subtitle_html": mark_safe(""),
        "abstract_html": mark_safe("About <mark>fees</mark>"),
        "passages": [Passage(html=mark_safe("p <mark>3</mark>"), number=3), Passage(html=mark_safe("t"), seconds=75)],
        "full_text_public": False,
        "embargo_until": "2030-01-01",
        "status": "upcoming",
        "score": 1.5,
    }
    values.update(changes)
    return SearchHit(**values)


def test_the_api_result_fields_equal_the_search_hit_fields():
    assert list(ResultOut.model_fields) == [*_api_names(SearchHit), "citations"]
    assert list(PassageOut.model_fields) == _api_names(Passage)
    assert {f.name for f in fields(SearchHit) if f.metadata.get("api", f.name) is None} == PAGE_ONLY_FIELDS
    assert not {f.name for f in fields(Passage) if f.metadata.get("api", f.name) is None}


def test_the_documented_types_follow_the_hit():
    schema = ResultOut.model_json_schema()
    properties = schema["properties"]
    assert properties["title_html"]["type"] == "string"  # SafeString is a string in JSON
    assert properties["countries"]["items"]["$ref"].endswith("/Term")
    assert properties["passages"]["items"]["$ref"].endswith("/PassageOut")
    assert properties["date"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert "date" in schema["required"] and "subtitle_html" not in properties
    # A passage's page and seconds may be left out; where it is and its text may not.
    assert PassageOut.model_json_schema()["required"] == ["where", "html"]


def test_the_payload_is_the_documented_result():
    data = result_payload(_hit(), absolute=lambda path: f"https://hub.example{path}", site="https://hub.example")
    assert ResultOut.model_validate(data).model_dump(mode="json") == data
    assert list(data) == list(ResultOut.model_fields)
    assert data["id"] == 7 and data["url"] == "https://hub.example/publications/fees/"
    assert data["title_html"] == "<mark>Fees</mark> &amp; Nepal"
    assert data["countries"] == [{"code": "NP", "name": "Nepal"}]
    assert data["gcm_objectives"] == [{"code": "6", "name": "Facilitate fair and ethical recruitment"}]
    assert data["passages"] == [
        {"page": 3, "seconds": None, "where": "page 3", "html": "p <mark>3</mark>"},
        {"page": None, "seconds": 75, "where": "at 1:15", "html": "t"},
    ]
    assert data["citations"]["bib"] == "https://hub.example/publications/7/cite.bib"
    for page_only in ("status", "score", "start", "subtitle_html", "page_id", "gcm"):
        assert page_only not in data


def test_a_lecture_has_no_citations_and_an_empty_url_stays_empty():
    data = result_payload(_hit(kind="lecture", url=""), absolute=lambda path: "https://x" + path, site="https://x")
    assert data["citations"] == {} and data["url"] == ""


def test_a_field_added_to_the_hit_is_in_the_api_unless_marked_page_only():
    @dataclass(kw_only=True)
    class Wider(SearchHit):
        doi: str = ""
        rank_note: str = field(default="", metadata=PAGE_ONLY)

    schema, table = build_schema(Wider, "WiderOut")
    assert "doi" in schema.model_fields and "rank_note" not in schema.model_fields
    assert ("doi", "doi", None) in table
