"""The evidence map: publications counted by country and GCM objective (or theme), from aggregations.

One request: a terms aggregation on countries with a terms sub-aggregation on the other facet,
narrowed to a publication type and a year when the visitor asks, beside the years there are (for
the year filter). The index holds only live public pages, so drafts and private pages never count.
Rows are the countries of the region (Colombo Process members and main destinations) plus any
other country with publications; columns are every objective (or theme), so empty cells show
as gaps. Cells are shaded on salam.charts' sequential palette, and the number is always printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from elasticsearch import Elasticsearch

from salam.charts import HEAT_COLOURS, HEAT_DARK_FROM, heat_legend, heat_shade
from salam.numbers import parse_int
from search.documents import alias_name, get_client
from search.exceptions import search_error
from search.indexing import ELASTICSEARCH_ERRORS
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy

# columns parameter -> (index field, noun in sentences, plural)
COLUMN_FACETS = {"gcm": ("gcm", "GCM objective", "GCM objectives"), "theme": ("themes", "theme", "themes")}
PALETTE = list(HEAT_COLOURS)
DARK_FROM = HEAT_DARK_FROM
YEAR_RANGE = (1900, 2100)


@dataclass
class MapFilters:
    """What the map counts: its columns, one publication type or all, one year or all."""

    columns: str = "gcm"
    type: str = ""
    year: int | None = None
    problems: list[str] = field(default_factory=list)  # what was ignored, in words

    def pairs(self) -> list[tuple[str, str]]:
        """The query-string pairs that bring this view back (for export links)."""
        out = [("columns", self.columns)]
        if self.type:
            out.append(("type", self.type))
        if self.year is not None:
            out.append(("year", str(self.year)))
        return out

    @property
    def query_string(self) -> str:
        return urlencode(self.pairs())

    @property
    def slug(self) -> str:
        """The part of a download's file name that says which view it is."""
        return "-".join([self.columns, *([self.type] if self.type else []), *([str(self.year)] if self.year else [])])


def parse_map_filters(get) -> MapFilters:
    """The map's filters from a query string; unknown values are ignored and said so, never an error."""
    filters = MapFilters()
    problems = filters.problems
    columns = get.get("columns", "gcm")
    if columns in COLUMN_FACETS:
        filters.columns = columns
    else:
        problems.append("The map shows GCM objectives: it has no view called that.")
    kind = get.get("type", "")
    if kind in PUBLICATION_TYPES:
        filters.type = kind
    elif kind:
        problems.append("That publication type is unknown, so every type is counted.")
    year = get.get("year", "")
    if year:
        number = parse_int(year, low=YEAR_RANGE[0], high=YEAR_RANGE[1])
        if number is None:
            problems.append("A year is four digits; every year is counted.")
        else:
            filters.year = number
    return filters


@dataclass
class Column:
    code: str
    label: str  # what the header shows ("21", or a theme's name)
    title: str  # the full name ("21. Cooperate in ...")
    name: str  # the name without its number
    total: int = 0


@dataclass
class Cell:
    count: int
    shade: int | None  # index into PALETTE, None for an empty cell
    url: str

    @property
    def colour(self) -> str:
        return PALETTE[self.shade] if self.shade is not None else ""

    @property
    def css(self) -> str:
        """The shading class (salam/static/css/charts.css), so no style attribute is needed."""
        return f"heat-{self.shade}" if self.shade is not None else "cell--empty"

    @property
    def dark(self) -> bool:
        return self.shade is not None and self.shade >= DARK_FROM


@dataclass
class Row:
    code: str
    label: str
    cells: list[Cell]
    total: int


@dataclass
class EvidenceMap:
    columns_facet: str
    column_title: str
    columns: list[Column]
    rows: list[Row]
    maximum: int
    total: int
    legend: list[tuple[str, str, bool]] = field(default_factory=list)  # (colour, range label, dark)
    filters: MapFilters = field(default_factory=MapFilters)
    years: list[int] = field(default_factory=list)  # the years there are publications for (the filter)

    @property
    def legend_classes(self) -> list[tuple[str, str]]:
        """(css class, range label) for each shade that can occur."""
        return [(f"heat-{shade}", label) for shade, label in heat_legend(self.maximum)]

    @property
    def matrix(self) -> list[list[int]]:
        return [[cell.count for cell in row.cells] for row in self.rows]


def shade_for(count: int, maximum: int) -> int | None:
    """The palette class of a count: equal-width classes from 1 to the largest cell."""
    return heat_shade(count, maximum, len(PALETTE))


def legend_for(maximum: int) -> list[tuple[str, str, bool]]:
    """(colour, "from-to" range label, dark) for each class that can occur."""
    return [(PALETTE[shade], label, shade >= DARK_FROM) for shade, label in heat_legend(maximum, len(PALETTE))]


def search_url(country: str, column_facet: str, value: str, filters: MapFilters | None = None) -> str:
    """The search page filtered to one cell: its country, its column value, its type(s) and year."""
    filters = filters or MapFilters()
    types = [filters.type] if filters.type else list(PUBLICATION_TYPES)
    pairs = [("country", country), (column_facet, value)] + [("type", t) for t in types]
    if filters.year is not None:
        pairs.append(("year", str(filters.year)))
    return "/search/?" + urlencode(pairs)


def build_map(
    columns: str | MapFilters = "gcm", *, client: Elasticsearch | None = None, regional_rows: bool = True
) -> EvidenceMap:
    """Count publications per country and objective/theme; raises SearchUnavailable when ES is down."""
    filters = columns if isinstance(columns, MapFilters) else MapFilters(columns=columns)
    columns = filters.columns if filters.columns in COLUMN_FACETS else "gcm"
    field_name, column_title, _ = COLUMN_FACETS[columns]
    client = client or get_client()
    query: list[dict] = [{"term": {"kind": "publication"}}]
    if filters.type:
        query.append({"term": {"type": filters.type}})
    # The year narrows the counts but not the list of years the filter offers.
    year_filter = {"term": {"year": filters.year}} if filters.year is not None else {"match_all": {}}
    try:
        response = client.search(
            index=alias_name(),
            size=0,
            query={"bool": {"filter": query}},
            aggs={
                "years": {"terms": {"field": "year", "size": 200}},
                "counted": {
                    "filter": year_filter,
                    "aggs": {
                        "countries": {
                            "terms": {"field": "countries", "size": 500},
                            "aggs": {"columns": {"terms": {"field": field_name, "size": 500}}},
                        },
                        "columns": {"terms": {"field": field_name, "size": 500}},
                    },
                },
            },
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    taxonomy = get_taxonomy()
    counted = response["aggregations"]["counted"]
    counts: dict[str, dict[str, int]] = {}
    country_totals: dict[str, int] = {}
    for bucket in counted["countries"]["buckets"]:
        counts[bucket["key"]] = {b["key"]: b["doc_count"] for b in bucket["columns"]["buckets"]}
        country_totals[bucket["key"]] = bucket["doc_count"]
    # A publication tagged with two objectives counts once in each cell but once in a total.
    column_totals = {b["key"]: b["doc_count"] for b in counted["columns"]["buckets"]}

    if columns == "gcm":
        column_list = [
            Column(code, code, f"{code}. {title}", title)
            for code, title in sorted(taxonomy.gcm.items(), key=lambda i: int(i[0]))
        ]
    else:
        column_list = [
            Column(slug, name, name, name) for slug, name in sorted(taxonomy.themes.items(), key=lambda i: i[1])
        ]

    from themes.models import Country

    regional = (
        set(Country.objects.filter(colombo_process_member=True).values_list("alpha2", flat=True))
        | set(Country.objects.filter(main_destination=True).values_list("alpha2", flat=True))
        if regional_rows
        else set()
    )
    row_codes = sorted(regional | set(counts), key=lambda code: taxonomy.label("country", code))
    maximum = max((n for row in counts.values() for n in row.values()), default=0)
    for column in column_list:
        column.total = column_totals.get(column.code, 0)
    rows = []
    for code in row_codes:
        row_counts = counts.get(code, {})
        cells = [
            Cell(
                row_counts.get(c.code, 0),
                shade_for(row_counts.get(c.code, 0), maximum),
                search_url(code, columns, c.code, filters),
            )
            for c in column_list
        ]
        rows.append(Row(code, taxonomy.label("country", code), cells, country_totals.get(code, 0)))
    return EvidenceMap(
        columns_facet=columns,
        column_title=column_title,
        columns=column_list,
        rows=rows,
        maximum=maximum,
        total=counted["doc_count"],
        legend=legend_for(maximum),
        filters=filters,
        years=sorted((int(b["key"]) for b in response["aggregations"]["years"]["buckets"]), reverse=True),
    )


def _cell_text(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas; names never need to.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def as_csv_rows(evidence: EvidenceMap) -> list[list[str]]:
    """The matrix as CSV rows: a header of column codes and labels, then one row per country."""
    header = ["country_code", "country"] + [_cell_text(f"{c.code}: {c.title}") for c in evidence.columns] + ["total"]
    rows = [header]
    for row in evidence.rows:
        rows.append([row.code, _cell_text(row.label)] + [str(cell.count) for cell in row.cells] + [str(row.total)])
    return rows


def picture_arguments(evidence: EvidenceMap) -> dict:
    """What salam.charts' heat-map pictures (SVG and PNG) need from a map."""
    what = [evidence.filters.type and PUBLICATION_TYPES[evidence.filters.type], evidence.filters.year]
    narrowed = ", ".join(str(w) for w in what if w)
    title = f"Publications by country and {evidence.column_title}" + (f" ({narrowed})" if narrowed else "")
    return {
        "title": title,
        "row_labels": [row.label for row in evidence.rows],
        "column_labels": [column.label for column in evidence.columns],
        "column_titles": [column.title for column in evidence.columns],
        "matrix": evidence.matrix,
        "row_totals": [row.total for row in evidence.rows],
        "column_totals": [column.total for column in evidence.columns],
        "total": evidence.total,
        "description": f"{evidence.total} publications; darker cells hold more. SALAM knowledge hub evidence map.",
    }
