"""The faceted public search (one request body for the one index) and what it returns.

Facets: country, theme, GCM objective, type, year and language. Values within one facet
combine with OR, facets with AND. Hits are narrowed with a ``post_filter`` while each facet's
counts come from an aggregation filtered by the *other* facets only, so choosing "Nepal" keeps
the other countries (with their counts) on offer. Unknown facet names are ignored here; the API
validates values before it gets this far.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from elasticsearch import Elasticsearch

from search.analysis import lemma_tokens
from search.documents import SOURCE_EXCLUDES, alias_name, get_client
from search.exceptions import search_error
from search.indexing import ELASTICSEARCH_ERRORS
from search.params import SearchParams
from search.query import ParsedQuery, build_query, clean_query, highlight_query, parse_query
from search.taxonomy import TYPE_LABELS, get_taxonomy

logger = logging.getLogger(__name__)

HIGHLIGHT = {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"]}
SORTS = {
    "relevance": ["_score", {"date": {"order": "desc", "missing": "_last"}}],
    "newest": [{"date": {"order": "desc", "missing": "_last"}}, "_score"],
    "oldest": [{"date": {"order": "asc", "missing": "_last"}}, "_score"],
}
HIGHLIGHT_FIELDS = {
    "title": {"number_of_fragments": 0},
    "subtitle": {"number_of_fragments": 0},
    "abstract": {"fragment_size": 220, "number_of_fragments": 2, "no_match_size": 0},
}
# Each facet's terms aggregation: the index field it counts, how many values, in what order.
FACET_TERMS: dict[str, dict] = {
    "country": {"field": "countries", "size": 300},
    "theme": {"field": "themes", "size": 100},
    "gcm": {"field": "gcm", "size": 30},
    "type": {"field": "type", "size": 20},
    "year": {"field": "year", "order": {"_key": "desc"}, "size": 200},
    "language": {"field": "language", "size": 100},
}
FACET_TITLES = {
    "country": "Country",
    "theme": "Theme",
    "gcm": "GCM objective",
    "type": "Type",
    "year": "Year",
    "language": "Language",
}
# "8 more GCM objectives", "1 more country": each facet's values named in a sentence.
FACET_NOUNS = {
    "country": ("country", "countries"),
    "theme": ("theme", "themes"),
    "gcm": ("GCM objective", "GCM objectives"),
    "type": ("type", "types"),
    "year": ("year", "years"),
    "language": ("language", "languages"),
}


def filter_values_of(values) -> list[str]:
    """A facet's chosen values as strings: one value or several; empty ones dropped."""
    if not isinstance(values, list | tuple):
        values = [values]
    return [str(v) for v in values if v not in (None, "")]


def _facet_aggregations() -> dict[str, dict]:
    return {name: {"terms": dict(terms)} for name, terms in FACET_TERMS.items()}


def _all_of(filters: list[dict]) -> dict:
    # What the DSL's MatchAll() & f1 & f2 ... gives.
    if not filters:
        return {"match_all": {}}
    return filters[0] if len(filters) == 1 else {"bool": {"must": filters}}


def search_body(parsed: ParsedQuery, filters: dict, sort: str, *, offset: int, size: int, passages: int = 3) -> dict:
    """The one request body of a search: hits narrowed by ``post_filter``, each facet counted under the others.

    It is built from plain dicts: building it through elasticsearch's FacetedSearch (a dozen Search
    clones, aggregation objects and their to_dict()) took about as much Python time as the rest of
    a request's own work. tests/search/test_query.py keeps a FacetedSearch as the reference and
    checks that both give the same bytes for every kind of query, filter, sort and page.
    """
    chosen: dict[str, dict] = {}
    for name, values in filters.items():
        values = filter_values_of(values) if name in FACET_TERMS else []
        if values:
            chosen[name] = {"terms": {FACET_TERMS[name]["field"]: values}}
    # A corridor (both of two countries) narrows the hits and every facet's counts alike.
    both = [{"term": {"countries": code}} for code in filter_values_of(filters.get("corridor", ()))]
    body: dict = {"query": build_query(parsed, passages=passages).to_dict()}
    if chosen or both:
        body["post_filter"] = _all_of([*chosen.values(), *both])
    body["aggs"] = {
        f"_filter_{name}": {
            "filter": _all_of([*(f for other, f in chosen.items() if other != name), *both]),
            "aggs": {name: aggregation},
        }
        for name, aggregation in _facet_aggregations().items()
    }
    body["sort"] = SORTS.get(sort, SORTS["relevance"])
    body["track_total_hits"] = True
    body["from"] = offset
    body["size"] = size
    body["_source"] = {"excludes": SOURCE_EXCLUDES}
    if parsed.positive_terms:
        body["highlight"] = {
            "fields": {
                name: {"highlight_query": highlight_query(parsed, name).to_dict(), **options}
                for name, options in HIGHLIGHT_FIELDS.items()
            },
            **HIGHLIGHT,
        }
    return body


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


# How a result's field appears in the JSON API, whose schema (search/schema.py) is built from these
# dataclasses so that the page and the API cannot drift apart: under its own name unless renamed
# with api_name(), or not at all when it is the search page's own (PAGE_ONLY).
PAGE_ONLY = {"api": None}


def api_name(name: str) -> dict:
    """Field metadata: the API shows this field under another name."""
    return {"api": name}


@dataclass(kw_only=True)
class Passage:
    """A highlighted stretch of full text: a PDF page or a moment in a lecture transcript."""

    number: int | None = field(default=None, metadata=api_name("page"))
    seconds: int | None = None
    where: str = field(init=False)
    html: SafeString

    def __post_init__(self) -> None:
        self.where = self._where()

    def _where(self) -> str:
        if self.number is not None:
            return f"page {self.number}"
        if self.seconds is not None:
            hours, rest = divmod(int(self.seconds), 3600)
            minutes, seconds = divmod(rest, 60)
            return f"at {hours}:{minutes:02d}:{seconds:02d}" if hours else f"at {minutes}:{seconds:02d}"
        return ""


# Keyword-only, so the fields can stand in the order the API documents them.
@dataclass(kw_only=True)
class SearchHit:
    """One result, as the page and the API show it (HTML fields are escaped by Elasticsearch)."""

    page_id: int = field(metadata=api_name("id"))
    kind: str
    type: str
    type_label: str
    title: str
    url: str
    authors: list[str]
    institution: str
    date: str | None
    year: int | None
    language: str | None
    countries: list[tuple[str, str]]
    themes: list[tuple[str, str]]
    gcm: list[tuple[str, str]] = field(metadata=api_name("gcm_objectives"))
    title_html: SafeString
    abstract_html: SafeString
    passages: list[Passage]
    full_text_public: bool
    embargo_until: str | None
    subtitle_html: SafeString = field(metadata=PAGE_ONLY)
    status: str | None = field(default=None, metadata=PAGE_ONLY)
    start: str | None = field(default=None, metadata=PAGE_ONLY)
    score: float | None = field(default=None, metadata=PAGE_ONLY)

    @property
    def is_publication(self) -> bool:
        return self.kind == "publication"


@dataclass
class SearchResults:
    params: SearchParams
    parsed: ParsedQuery
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    took_ms: int = 0
    expansions: list[str] = field(default_factory=list)
    # The query as typed when these are the results of its respelling (see search_or_correct).
    corrected_from: str | None = None

    @property
    def pages(self) -> int:
        from search.params import MAX_RESULT_WINDOW

        return max(1, -(-min(self.total, MAX_RESULT_WINDOW) // self.params.page_size))


def _abstract_fallback(text: str, limit: int = 300) -> SafeString:
    text = " ".join((text or "").split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return escape(text)


def _hit(raw: dict, taxonomy) -> SearchHit:
    """A result from one raw hit of the response."""
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    passages: list[Passage] = []
    inner = raw.get("inner_hits", {}).get("passages", {})
    for inner_hit in inner.get("hits", {}).get("hits", []):
        fragments = inner_hit.get("highlight", {}).get("pages.text", [])
        if not fragments:
            continue
        values = inner_hit.get("fields", {})
        number, seconds = values.get("pages.number", [None])[0], values.get("pages.seconds", [None])[0]
        # Escaped by Elasticsearch (encoder=html) except for our <mark> tags.
        passages.append(Passage(html=mark_safe(fragments[0]), number=number, seconds=seconds))  # noqa: S308
    title = source.get("title", "")

    def marked(name: str, fallback: str) -> SafeString:
        fragments = highlight.get(name)
        if fragments:
            return mark_safe(" … ".join(fragments))  # noqa: S308 - escaped by ES (encoder=html)
        return escape(fallback)

    return SearchHit(
        page_id=int(source.get("page_id") or raw["_id"]),
        kind=source.get("kind", ""),
        type=source.get("type", ""),
        type_label=TYPE_LABELS.get(source.get("type", ""), source.get("type", "")),
        title=title,
        title_html=marked("title", title),
        subtitle_html=marked("subtitle", source.get("subtitle", "")),
        url=source.get("url", ""),
        authors=list(source.get("authors", [])),
        institution=source.get("institution", ""),
        date=source.get("date"),
        year=source.get("year"),
        language=source.get("language"),
        countries=[(c, taxonomy.label("country", c)) for c in source.get("countries", [])],
        themes=[(t, taxonomy.label("theme", t)) for t in source.get("themes", [])],
        gcm=[(g, taxonomy.label("gcm", g)) for g in source.get("gcm", [])],
        abstract_html=mark_safe(" … ".join(highlight["abstract"]))  # noqa: S308 - escaped by ES (encoder=html)
        if highlight.get("abstract")
        else _abstract_fallback(source.get("abstract", "")),
        passages=passages,
        full_text_public=bool(source.get("full_text_public", True)),
        embargo_until=source.get("embargo_until"),
        status=source.get("status"),
        start=source.get("start"),
        score=raw.get("_score"),
    )


def _facet_values(name: str, buckets: list[dict], selected: tuple[str, ...], taxonomy) -> list[FacetValue]:
    values: list[FacetValue] = []
    seen = set()
    for bucket in buckets:
        value = str(bucket["key"])
        seen.add(value)
        values.append(FacetValue(value, taxonomy.label(name, value), bucket["doc_count"], value in selected))
    # A chosen value with no results left stays visible, so it can be unticked.
    values.extend(FacetValue(v, taxonomy.label(name, v), 0, True) for v in selected if v not in seen)
    if name in ("country", "theme", "language"):
        values.sort(key=lambda fv: (-fv.count, fv.label))
    elif name == "gcm":
        values.sort(key=lambda fv: (-fv.count, int(fv.value) if fv.value.isdigit() else 99))
    return values


def run_search(
    params: SearchParams, *, client: Elasticsearch | None = None, index: str | None = None, suggest: bool = True
) -> SearchResults:
    """Run a search; raises SearchUnavailable when Elasticsearch cannot answer."""
    client = client or get_client()
    parsed = parse_query(params.q)
    body = search_body(parsed, dict(params.filters), params.sort, offset=params.offset, size=params.page_size)
    try:
        # The raw answer: the DSL's Response would wrap every hit and bucket in AttrDicts.
        response = client.search(index=index or alias_name(), body=body).body
    except ELASTICSEARCH_ERRORS as exc:
        logger.warning("search failed: %s", exc)
        raise search_error(exc) from exc
    taxonomy = get_taxonomy()
    aggregations = response.get("aggregations", {})
    facets = {
        name: _facet_values(
            name, aggregations[f"_filter_{name}"][name]["buckets"], params.filters.get(name, ()), taxonomy
        )
        for name in FACET_TERMS
    }
    total = response["hits"]["total"]["value"]
    results = SearchResults(
        params=params,
        parsed=parsed,
        total=total,
        hits=[_hit(hit, taxonomy) for hit in response["hits"]["hits"]],
        facets=facets,
        took_ms=response.get("took", 0),
        expansions=parsed.expansions,
    )
    if suggest and total == 0 and parsed.typed_text:
        results.suggestion = did_you_mean(
            parsed.typed_text, excluded=parsed.excluded_text, filters=params.filters, client=client, index=index
        )
    return results


def search_or_correct(
    params: SearchParams, *, verbatim: bool = False, client: Elasticsearch | None = None, index: str | None = None
) -> SearchResults:
    """Run a search; when it finds nothing but its respelling does (a clear typo), the respelling's results.

    The results then carry ``corrected_from`` (the query as typed), so the page can offer to
    search for exactly that instead; ``verbatim`` is that offer taken.
    """
    results = run_search(params, client=client, index=index)
    if verbatim or results.total or not results.suggestion:
        return results
    corrected = run_search(replace(params, q=results.suggestion, page=1), client=client, index=index, suggest=False)
    if not corrected.total:  # the index changed between the two requests
        return results
    corrected.corrected_from = params.q
    return corrected


def did_you_mean(
    text: str,
    *,
    excluded: str = "",
    filters: dict | None = None,
    client: Elasticsearch | None = None,
    index: str | None = None,
) -> str | None:
    """A respelling of the query that finds something under the same filters (phrase suggester on a shingled field).

    ``excluded`` (the query's ``-exclusions``) is kept in the respelling and applies when checking
    it. None when no respelling finds anything: offering one that finds nothing with the
    visitor's country or theme chosen would only lead to another empty page; nor when the
    "respelling" only drops punctuation or quotes, which finds what the query found.
    """
    client = client or get_client()
    index = index or alias_name()
    text = clean_query(text, 200).lower()
    if not text:
        return None
    typed = lemma_tokens(text)
    try:
        response = client.search(
            index=index,
            size=0,
            suggest={
                "text": text,
                "spelling": {
                    "phrase": {
                        "field": "spell.shingle",
                        "size": 3,
                        "gram_size": 3,
                        "max_errors": 3,
                        "confidence": 0.0,
                        "direct_generator": [
                            {"field": "spell", "suggest_mode": "always", "min_word_length": 3},
                            {"field": "abstract", "suggest_mode": "always", "min_word_length": 3},
                        ],
                    }
                },
            },
        )
        for option in response["suggest"]["spelling"][0]["options"]:
            candidate = option["text"]
            if candidate == text or lemma_tokens(candidate) == typed:
                continue
            respelling = f"{candidate} {excluded}".strip()
            if _has_results(respelling, filters or {}, client=client, index=index):
                return respelling
    except ELASTICSEARCH_ERRORS as exc:  # a suggestion is a nicety: never fail the search for it
        logger.warning("did-you-mean failed: %s", exc)
    return None


def _has_results(text: str, filters: dict, *, client: Elasticsearch, index: str) -> bool:
    body = search_body(parse_query(text), filters, "relevance", offset=0, size=0, passages=0)
    # Only whether anything matches under the filters: no facet counts, highlights or sorting to compute.
    response = client.search(
        index=index, query=body["query"], post_filter=body.get("post_filter"), size=0, track_total_hits=1
    )
    return response["hits"]["total"]["value"] > 0


def autocomplete(prefix: str, *, limit: int = 8, client: Elasticsearch | None = None) -> list[dict]:
    """Taxonomy terms (from the taxonomy) and titles (from the index) that start with what was typed."""
    prefix = clean_query(prefix, 100)
    if len(prefix) < 2:
        return []
    out = get_taxonomy().complete(prefix, limit=min(4, limit))
    client = client or get_client()
    try:
        response = client.search(
            index=alias_name(),
            size=limit,
            source=["title", "url", "type"],
            query={"multi_match": {"query": prefix, "type": "bool_prefix", "fields": ["title"], "operator": "and"}},
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    seen = set()
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        if source["title"] not in seen:
            seen.add(source["title"])
            out.append({"label": source["title"], "kind": source.get("type", ""), "url": source.get("url", "")})
    return out[:limit]
