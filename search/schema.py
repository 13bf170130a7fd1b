"""The JSON API's schema of a search result, built from search.faceted's dataclasses.

A result is described once, as ``SearchHit`` (and its ``Passage``): the API's ``ResultOut`` and
``PassageOut`` take their fields, order, types and defaults from those dataclasses, and ``result_payload``
turns a hit into the API's JSON with the same table, so a field added to the hit is in the API
unless its metadata says it is the search page's own (``PAGE_ONLY``).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString
from ninja import Schema
from pydantic import create_model

from search.faceted import Passage, SearchHit


class Term(Schema):
    code: str
    name: str


Convert = Callable[[Any], Any] | None


def api_fields(cls: type) -> list[tuple[str, dataclasses.Field, Any]]:
    """The fields of a result dataclass the API shows: (API name, field, resolved type), in order."""
    hints = typing.get_type_hints(cls)
    shown = []
    for f in dataclasses.fields(cls):
        name = f.metadata.get("api", f.name)
        if name is not None:
            shown.append((name, f, hints[f.name]))
    return shown


def _terms(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"code": code, "name": name} for code, name in pairs]


def _passages(passages: list[Passage]) -> list[dict]:
    return [_passage_payload(p) for p in passages]


# How each Python type of a result's field appears in the API: its schema type, and the conversion
# of a value (None: as it is).
TERMS = list[tuple[str, str]]


def _api_type(annotation: Any) -> tuple[Any, Convert]:
    if annotation is SafeString:
        return str, str
    if annotation == TERMS:
        return list[Term], _terms
    if annotation == list[Passage]:
        return list[PassageOut], _passages
    return annotation, None


def build_schema(cls: type, title: str, **extra: Any) -> tuple[type[Schema], list[tuple[str, str, Convert]]]:
    """A ninja Schema named ``title`` with the API fields of ``cls`` (then ``extra``), and how to fill it."""
    definitions: dict[str, Any] = {}
    table: list[tuple[str, str, Convert]] = []
    for name, f, annotation in api_fields(cls):
        schema_type, convert = _api_type(annotation)
        if f.default is not dataclasses.MISSING:
            definitions[name] = (schema_type, f.default)
        else:
            definitions[name] = (schema_type, ...)
        table.append((name, f.name, convert))
    definitions.update({name: (annotation, ...) for name, annotation in extra.items()})
    return create_model(title, __base__=Schema, **definitions), table


def _filler(table: list[tuple[str, str, Convert]]) -> Callable[[Any], dict]:
    """A function that fills the API's fields from an object, in the schema's order."""

    def fill(obj: Any) -> dict:
        return {
            name: getattr(obj, attribute) if convert is None else convert(getattr(obj, attribute))
            for name, attribute, convert in table
        }

    return fill


PassageOut, PASSAGE_FIELDS = build_schema(Passage, "PassageOut")
_passage_payload = _filler(PASSAGE_FIELDS)
# citations are the API's own: links to the export formats, which need the site's address.
ResultOut, RESULT_FIELDS = build_schema(SearchHit, "ResultOut", citations=dict[str, str])
_result_fields = _filler(RESULT_FIELDS)
CITATION_FORMATS = ("bib", "ris", "json")


def result_payload(hit: SearchHit, *, absolute: Callable[[str], str], site: str) -> dict:
    """A hit as the API's JSON (ResultOut): links made absolute, citation links for publications."""
    out = _result_fields(hit)
    out["url"] = absolute(hit.url) if hit.url else ""
    citations = {}
    if hit.is_publication:
        # What build_absolute_uri gives for these ASCII paths, without parsing each one again.
        for fmt in CITATION_FORMATS:
            citations[fmt] = f"{site}/publications/{hit.page_id}/cite.{fmt}"
    out["citations"] = citations
    return out
