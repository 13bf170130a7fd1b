"""Property-based tests (hypothesis, derandomized): the query parser and the search parameters.

Whatever a visitor types or puts in the address, the parser never raises and keeps its limits, the
lenient reading (the search page) keeps only canonical values, the strict one (the API) either
agrees with it or refuses with InvalidSearchParameter, and a search's own URL reads back to itself.
"""

import json

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.exceptions import InvalidSearchParameter
from search.params import FACETS, MAX_PAGE_SIZE, MAX_YEAR, MIN_YEAR, parse_params
from search.query import MAX_QUERY_CHARS, MAX_TERMS, build_query, clean_query, parse_query
from search.taxonomy import get_taxonomy

SEEDED = settings(
    max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
# Query syntax and its troublemakers, mixed into arbitrary text.
QUERY_ATOMS = st.sampled_from(['"', "-", "+", "OR", "or", "(", ")", "*", ":", "\\", "~", "^", " ", "\u200b", "\x00"])
WORDS = st.sampled_from(["recruitment", "fees", "Nepal", "women", "remittances", "the", "of", "kafala", "visa"])
QUERIES = st.lists(st.one_of(st.text(max_size=20), QUERY_ATOMS, WORDS), max_size=40).map("".join)


@SEEDED
@given(QUERIES)
def test_the_parser_never_raises_and_keeps_its_limits(raw):
    cleaned = clean_query(raw)
    assert len(cleaned) <= MAX_QUERY_CHARS and clean_query(cleaned) == cleaned
    assert not any(ch in cleaned for ch in "\x00\u200b\n\t")
    parsed = parse_query(raw)
    typed = [term for term in parsed.positive_terms if not term.expanded] + parsed.excluded
    assert len(typed) <= MAX_TERMS
    assert all(term.text and term.lemmas for term in parsed.positive_terms + parsed.excluded)
    assert all(group for group in parsed.groups)
    # Whatever was parsed becomes a request Elasticsearch can be sent.
    json.dumps(build_query(parsed).to_dict())


@SEEDED
@given(st.text(min_size=MAX_QUERY_CHARS, max_size=MAX_QUERY_CHARS * 3))
def test_long_queries_are_cut(raw):
    assert len(parse_query(raw).raw) <= MAX_QUERY_CHARS


PARAMETER_NAMES = st.sampled_from([*FACETS, "q", "sort", "page", "page_size", "colour", ""])
VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["NP", "np", "bd", "ZZ", "fair-recruitment", "6", "objective-6", "0", "24", "2021", "0000"]),
    st.just("\uff12"),  # a fullwidth 2: a digit to Python, not to us
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.sampled_from(["en", "ne", "xx", "lecture", "policy_brief", "newest", "NEWEST", "sideways", "1,2", " 3 "]),
)
QUERY_DICTS = st.lists(st.tuples(PARAMETER_NAMES, VALUES), max_size=12)


def as_query_dict(pairs) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    return data


@pytest.mark.django_db
@SEEDED
@given(QUERY_DICTS)
def test_facet_parameters_lenient_keeps_only_canonical_values_strict_agrees_or_refuses(pairs):
    data = as_query_dict(pairs)
    lenient = parse_params(data, strict=False)
    taxonomy = get_taxonomy()
    assert set(lenient.filters["country"]) <= set(taxonomy.countries)
    assert set(lenient.filters["theme"]) <= set(taxonomy.themes)
    assert set(lenient.filters["gcm"]) <= set(taxonomy.gcm)
    assert all(MIN_YEAR <= int(year) <= MAX_YEAR for year in lenient.filters["year"])
    assert all(len(values) == len(set(values)) for values in lenient.filters.values())
    assert 1 <= lenient.page_size <= MAX_PAGE_SIZE and lenient.page >= 1
    try:
        strict = parse_params(data, strict=True)
    except InvalidSearchParameter as refusal:
        assert refusal.parameter in set(data.keys()) | set(FACETS) | {"q", "sort", "page", "page_size"}
        assert str(refusal)
    else:
        assert strict == lenient
    # The page's own links read back to the same search, strictly.
    assert parse_params(QueryDict(lenient.query_string()), strict=True) == lenient
