"""Search state in the query string, shared by the search page and the JSON API.

All state lives in the URL (q, country, theme, gcm, type, year, language, corridor, sort, page,
page_size), so a search can be bookmarked and shared. ``corridor=NP-QA`` keeps pages tagged with both
countries (a country page's corridor map links there; two ``country`` values would mean either). The
page is lenient (unknown names and values are ignored, out-of-range numbers clamped); the API is
strict and answers 400 with a message naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from salam.numbers import parse_int
from search.exceptions import InvalidSearchParameter
from search.query import MAX_QUERY_CHARS, clean_query
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy, is_language_code

FACETS = ("country", "theme", "gcm", "type", "year", "language")
SORTS = ("relevance", "newest", "oldest")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# Elasticsearch's default max_result_window: deeper pages need search_after, which nobody reading needs.
MAX_RESULT_WINDOW = 10_000
MAX_VALUES_PER_FACET = 30
# Not a facet: it narrows to pages tagged with *both* countries, kept in filters["corridor"].
CORRIDOR = "corridor"
KNOWN_PARAMETERS = {"q", "sort", "page", "page_size", CORRIDOR, *FACETS}
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class SearchParams:
    """A validated search request."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())

    def pairs(self, *, page: int | None = None) -> list[tuple[str, str]]:
        """The state as query-string pairs (defaults left out, so URLs stay short)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for facet in FACETS:
            pairs.extend((facet, value) for value in self.filters.get(facet, ()))
        if self.filters.get(CORRIDOR):
            pairs.append((CORRIDOR, "-".join(self.filters[CORRIDOR])))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        page = self.page if page is None else page
        if page != 1:
            pairs.append(("page", str(page)))
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(self.page_size)))
        return pairs

    def query_string(self, *, page: int | None = None) -> str:
        return urlencode(self.pairs(page=page))

    def without(self, facet: str, value: str) -> SearchParams:
        """The same search without one filter value (back to page 1)."""
        remaining = tuple(v for v in self.filters.get(facet, ()) if v != value)
        return replace(self, filters={**self.filters, facet: remaining}, page=1)

    def with_filter(self, facet: str, value: str) -> SearchParams:
        values = self.filters.get(facet, ())
        return replace(
            self, filters={**self.filters, facet: (*values, value) if value not in values else values}, page=1
        )


def _values(data: Mapping, name: str) -> list[str]:
    """All values of a parameter: repeated (?country=NP&country=BD) or comma-separated."""
    raw = data.getlist(name) if hasattr(data, "getlist") else ([data[name]] if name in data else [])
    out: list[str] = []
    for item in raw:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _normalise(facet: str, value: str) -> str | None:
    """The canonical spelling of a facet value, or None when it is not one we know."""
    taxonomy = get_taxonomy()
    if facet == "country":
        code = value.upper()
        return code if code in taxonomy.countries else None
    if facet == "theme":
        slug = value.lower()
        return slug if slug in taxonomy.themes else None
    if facet == "gcm":
        number = parse_int(value.removeprefix("objective-"), low=1)
        return str(number) if number is not None and str(number) in taxonomy.gcm else None
    if facet == "type":
        kind = value.lower()
        return kind if kind in PUBLICATION_TYPES or kind == "lecture" else None
    if facet == "year":
        year = parse_int(value, low=MIN_YEAR, high=MAX_YEAR) if value.isascii() and value.isdigit() else None
        return None if year is None else str(year)
    if facet == "language":
        return value.lower() if is_language_code(value) else None
    return None


_UNKNOWN = {
    "country": "Unknown country code {value!r}: use an ISO 3166 alpha-2 code of a country in the taxonomy, e.g. NP.",
    "theme": "Unknown theme {value!r}: use a theme slug, e.g. fair-recruitment.",
    "gcm": "Unknown GCM objective {value!r}: use a number from 1 to 23.",
    "type": "Unknown type {value!r}: use one of " + ", ".join([*PUBLICATION_TYPES, "lecture"]) + ".",
    "year": f"Invalid year {{value!r}}: use a four-digit year between {MIN_YEAR} and {MAX_YEAR}.",
    "language": "Unknown language {value!r}: use an ISO 639-1 code, e.g. en.",
}


def _corridor(data: Mapping, strict: bool) -> tuple[str, ...]:
    """The (origin, destination) codes of ``corridor=NP-QA``; () when absent or (leniently) not understood."""
    values = _values(data, CORRIDOR)
    if strict and len(values) > 1:
        raise InvalidSearchParameter(CORRIDOR, "Give one corridor, e.g. corridor=NP-QA.")
    countries = get_taxonomy().countries
    for value in values:
        codes = tuple(code.strip().upper() for code in value.split("-"))
        problem = ""
        if len(codes) != 2 or not all(len(code) == 2 and code.isascii() and code.isalpha() for code in codes):
            problem = f"Invalid corridor {value[:50]!r}: use two country codes joined by a hyphen, e.g. NP-QA."
        elif codes[0] == codes[1]:
            problem = f"Invalid corridor {value[:50]!r}: a corridor joins two different countries."
        elif unknown := [code for code in codes if code not in countries]:
            problem = f"Unknown country code {unknown[0]!r} in corridor: use ISO 3166 alpha-2 codes in the taxonomy."
        if not problem:
            return codes
        if strict:
            raise InvalidSearchParameter(CORRIDOR, problem)
    return ()


def _integer(data: Mapping, name: str, default: int, strict: bool) -> int:
    values = data.getlist(name) if hasattr(data, "getlist") else ([data[name]] if name in data else [])
    if not values:
        return default
    raw = str(values[-1]).strip()
    number = parse_int(raw)
    if number is None:
        if strict:
            raise InvalidSearchParameter(name, f"{name} must be a whole number, not {raw[:50]!r}.")
        return default
    return number


def parse_params(data: Mapping, *, strict: bool) -> SearchParams:
    """Read search state from a query dict; ``strict`` raises InvalidSearchParameter instead of ignoring."""
    if strict:
        unknown = sorted(set(data.keys()) - KNOWN_PARAMETERS)
        if unknown:
            raise InvalidSearchParameter(
                unknown[0],
                f"Unknown parameter {unknown[0]!r}. Known parameters: {', '.join(sorted(KNOWN_PARAMETERS))}.",
            )
    raw_q = data.get("q", "") or ""
    if strict and len(raw_q) > MAX_QUERY_CHARS:
        raise InvalidSearchParameter("q", f"q is too long: {len(raw_q)} characters (at most {MAX_QUERY_CHARS}).")
    q = clean_query(raw_q)

    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        accepted: list[str] = []
        for value in _values(data, facet):
            canonical = _normalise(facet, value)
            if canonical is None:
                if strict:
                    raise InvalidSearchParameter(facet, _UNKNOWN[facet].format(value=value[:50]))
                continue
            if canonical not in accepted:
                accepted.append(canonical)
        if strict and len(accepted) > MAX_VALUES_PER_FACET:
            raise InvalidSearchParameter(facet, f"At most {MAX_VALUES_PER_FACET} values of {facet} at once.")
        filters[facet] = tuple(accepted[:MAX_VALUES_PER_FACET])
    corridor = _corridor(data, strict)
    if corridor:
        filters[CORRIDOR] = corridor

    sort = (data.get("sort") or "relevance").strip().lower()
    if sort not in SORTS:
        if strict:
            raise InvalidSearchParameter("sort", f"Unknown sort {sort[:50]!r}: use one of {', '.join(SORTS)}.")
        sort = "relevance"

    page_size = _integer(data, "page_size", DEFAULT_PAGE_SIZE, strict)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        if strict:
            raise InvalidSearchParameter("page_size", f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
        page_size = min(max(page_size, 1), MAX_PAGE_SIZE)

    page = _integer(data, "page", 1, strict)
    last_page = MAX_RESULT_WINDOW // page_size
    if not 1 <= page <= last_page:
        if strict:
            raise InvalidSearchParameter(
                "page",
                f"page must be between 1 and {last_page} (results beyond the first {MAX_RESULT_WINDOW} are not paged).",
            )
        page = min(max(page, 1), last_page)
    return SearchParams(q=q, filters=filters, sort=sort, page=page, page_size=page_size)
