"""The JSON API: /api/v1/search and /api/v1/autocomplete, documented at /api/v1/docs.

The same parameters and facets as the search page, but strict: an unknown country code, a page
that is not a number or a query that is too long answers 400 with a message naming the
parameter, never 500. Rate-limited per IP address (django-ratelimit): 429 with a JSON message.
When Elasticsearch is down: 503 with a JSON message.
"""

from __future__ import annotations

from pathlib import Path

import ninja
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from ninja.openapi.docs import DocsBase

from salam.ratelimits import over_limit
from search.exceptions import InvalidSearchParameter, SearchRejected, SearchUnavailable
from search.faceted import autocomplete, run_search
from search.params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, MAX_YEAR, MIN_YEAR, SORTS, parse_params
from search.query import MAX_QUERY_CHARS
from search.schema import ResultOut, result_payload
from search.taxonomy import PUBLICATION_TYPES

# Swagger UI's files ship inside django-ninja; they are served from here so the docs page needs no CDN.
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}
ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"


class LocalSwagger(DocsBase):
    """Swagger UI with its JavaScript and CSS served by this site."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        # No deep links: Swagger UI puts them as links inside each operation's toggle button, and
        # a link inside a button is unreachable for many keyboard and screen-reader users (axe
        # nested-interactive).
        config = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": False}
        return render(request, "search/api_docs.html", {"api": api, "swagger_settings": config})


def api_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of Swagger UI's files from the installed django-ninja package."""
    if name not in ASSETS:
        raise Http404("No such file.")
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


api = NinjaAPI(
    title="SALAM evidence search API",
    version="1",
    description=(
        "Search the SALAM knowledge hub's publications and lectures on labour migration in South and "
        'South-East Asia. The same search as the site\'s search page: words, "phrases", -exclusions and OR; '
        "facets by country (ISO 3166 alpha-2), theme (slug), GCM objective (1-23), type, year and language "
        "(ISO 639-1). Several values of one facet combine with OR (repeat the parameter or separate with "
        "commas), different facets with AND; each facet's counts ignore that facet's own filter."
    ),
    urls_namespace="search:api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _items(**schema) -> dict:
    """OpenAPI for a repeatable parameter's values (documented only: search.params validates them)."""
    return {"items": {"type": "string", **schema}}


class SearchQuery(Schema):
    """The query parameters, with their ranges and enums for the OpenAPI schema; search.params parses and
    validates them (with messages that name the parameter), so the schema constraints are documentation."""

    q: str = Field(
        "",
        description=f'Words, "phrases", -exclusions, OR; at most {MAX_QUERY_CHARS} characters.',
        json_schema_extra={"maxLength": MAX_QUERY_CHARS},
    )
    country: list[str] = Field(
        default_factory=list,
        description="ISO 3166 alpha-2 code of a country in the taxonomy, e.g. NP; repeat for several.",
        json_schema_extra=_items(pattern="^([A-Za-z]{2})?$"),
    )
    theme: list[str] = Field(
        default_factory=list,
        description="Theme slug, e.g. fair-recruitment.",
        json_schema_extra=_items(pattern="^[a-z0-9-]*$"),
    )
    gcm: list[str] = Field(
        default_factory=list,
        description="GCM objective number, 1 to 23.",
        json_schema_extra=_items(enum=["", *(str(n) for n in range(1, 24))]),
    )
    type: list[str] = Field(
        default_factory=list,
        description="Publication type, or lecture.",
        json_schema_extra=_items(enum=["", *PUBLICATION_TYPES, "lecture"]),
    )
    year: list[str] = Field(
        default_factory=list,
        description=f"Four-digit year (ASCII digits), {MIN_YEAR} to {MAX_YEAR}.",
        # Exactly MIN_YEAR..MAX_YEAR (1900-2100), so a year the schema allows is never refused (fuzzing found 0000).
        # Every filter also admits the empty value, which means "no filter" (an HTML form's empty select
        # sends it); fuzzing found year= accepted while the schema forbade it.
        json_schema_extra=_items(pattern="^(19[0-9]{2}|20[0-9]{2}|2100)?$"),
    )
    language: list[str] = Field(
        default_factory=list,
        description="ISO 639-1 code, e.g. en.",
        json_schema_extra=_items(pattern="^([A-Za-z]{2})?$"),
    )
    corridor: str = Field(
        "",
        description="Two country codes joined by a hyphen, origin first, e.g. NP-QA: only pages tagged with both.",
        json_schema_extra={"pattern": "^([A-Za-z]{2}-[A-Za-z]{2})?$"},
    )
    sort: str = Field("relevance", description="How results are ordered.", json_schema_extra={"enum": list(SORTS)})
    page: int = Field(
        1,
        description=f"From 1; at most the page that holds result {MAX_RESULT_WINDOW}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_RESULT_WINDOW},
    )
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        description=f"1 to {MAX_PAGE_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
    )


class AutocompleteQuery(Schema):
    q: str = Field(..., description="What the visitor has typed, 2 to 100 characters.")


class ErrorOut(Schema):
    detail: str
    parameter: str | None = None


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    q: str
    total: int
    page: int
    page_size: int
    pages: int
    sort: str
    filters: dict[str, list[str]]
    suggestion: str | None
    expanded_with: list[str]
    facets: dict[str, list[FacetValueOut]]
    results: list[ResultOut]


class SuggestionOut(Schema):
    label: str
    kind: str
    url: str


class AutocompleteOut(Schema):
    q: str
    suggestions: list[SuggestionOut]


def _error(request: HttpRequest, status: int, detail: str, parameter: str | None = None) -> HttpResponse:
    response = api.create_response(request, {"detail": detail, "parameter": parameter}, status=status)
    if status in (429, 503):
        response["Retry-After"] = "60"
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Type errors in parameters (page=abc) answer 400 with a readable message, not 422."""
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", []) if part not in ("query", "body")]
    parameter = location[0] if location else None
    message = first.get("msg", "Invalid parameter.")
    return _error(request, 400, f"{parameter}: {message}." if parameter else message, parameter)


@api.exception_handler(InvalidSearchParameter)
def invalid_parameter(request: HttpRequest, exc: InvalidSearchParameter) -> HttpResponse:
    return _error(request, 400, exc.message, exc.parameter)


@api.exception_handler(SearchRejected)
def search_rejected(request: HttpRequest, exc: SearchRejected) -> HttpResponse:
    return _error(request, 400, exc.message, "q")


@api.exception_handler(SearchUnavailable)
def search_unavailable(request: HttpRequest, exc: SearchUnavailable) -> HttpResponse:
    return _error(request, 503, exc.message)


class RateLimited(Exception):
    pass


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return _error(request, 429, str(exc))


def _check_rate(request: HttpRequest, group: str, multiplier: int = 1) -> None:
    rate = settings.SEARCH_API_RATE_LIMIT
    if not rate:
        return
    count, period = rate.split("/")
    effective = f"{int(count) * multiplier}/{period}"
    if over_limit(request, group=group, key="ip", rate=effective):
        raise RateLimited(
            f"Too many requests: at most {effective.replace('/', ' per ')} from one address. Try again shortly."
        )


@api.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Search publications and lectures",
    description="Highlighted fields (`*_html`, passages) are HTML-escaped, with matches wrapped in `<mark>`.",
)
def search(request: HttpRequest, filters: Query[SearchQuery]):
    """Faceted full-text search; the same parameters as the search page."""
    _check_rate(request, "search-api")
    params = parse_params(request.GET, strict=True)
    results = run_search(params)
    site = request.build_absolute_uri("/").removesuffix("/")
    payload = {
        "q": params.q,
        "total": results.total,
        "page": params.page,
        "page_size": params.page_size,
        "pages": results.pages,
        "sort": params.sort,
        "filters": {name: list(values) for name, values in params.filters.items() if values},
        "suggestion": results.suggestion,
        "expanded_with": results.expansions,
        "facets": {name: [vars(fv) for fv in values] for name, values in results.facets.items()},
        "results": [result_payload(hit, absolute=request.build_absolute_uri, site=site) for hit in results.hits],
    }
    # Rendered as is: validating this payload against SearchOut (the documented schema, which a
    # test checks it against) would cost a pydantic model per facet value, term and passage.
    return api.create_response(request, payload, status=200)


@api.get(
    "/autocomplete",
    response={200: AutocompleteOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Complete titles and taxonomy terms",
)
def complete(request: HttpRequest, params: Query[AutocompleteQuery]):
    """Countries, themes and titles that start with what was typed."""
    _check_rate(request, "search-autocomplete", multiplier=5)
    q = params.q
    if len(q) > 100:
        raise InvalidSearchParameter("q", "q is too long for autocompletion (at most 100 characters).")
    suggestions = autocomplete(q)
    for item in suggestions:
        if item["url"]:
            item["url"] = request.build_absolute_uri(item["url"])
    return {"q": q, "suggestions": suggestions}
