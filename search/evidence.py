"""The evidence map: publications counted by country and GCM objective (or theme), from aggregations.

One request: a terms aggregation on countries with a terms sub-aggregation on the other facet.
Rows are the countries of the region (Colombo Process members and main destinations) plus any
other country with publications; columns are every objective (or theme), so empty cells show
as gaps. Cells are shaded on a sequential palette, and the number is always printed as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from elasticsearch import Elasticsearch

from search.documents import alias_name, get_client
from search.exceptions import search_error
from search.indexing import ELASTICSEARCH_ERRORS
from search.taxonomy import PUBLICATION_TYPES, get_taxonomy

# columns parameter -> (index field, noun in sentences, plural)
COLUMN_FACETS = {"gcm": ("gcm", "GCM objective", "GCM objectives"), "theme": ("themes", "theme", "themes")}
# ColorBrewer "Blues" (sequential, colour-blind safe); dark text on the light classes, white on the dark.
PALETTE = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
DARK_FROM = 4


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
    def shade_class(self) -> str:
        """The CSS class that paints the cell (search.css): classes, as the CSP allows no style attributes."""
        return f"shade-{self.shade}" if self.shade is not None else ""

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
    legend: list[tuple[str, str, bool]] = field(default_factory=list)  # (shade class, range label, dark)


def shade_for(count: int, maximum: int) -> int | None:
    """The palette class of a count: equal-width classes from 1 to the largest cell."""
    if count <= 0 or maximum <= 0:
        return None
    return min(len(PALETTE) - 1, math.ceil(count / maximum * len(PALETTE)) - 1)


def legend_for(maximum: int) -> list[tuple[str, str, bool]]:
    """(shade class, "from-to" range label, dark) for each class that can occur."""
    out = []
    for shade in range(len(PALETTE)):
        low = math.floor(shade * maximum / len(PALETTE)) + 1
        high = math.floor((shade + 1) * maximum / len(PALETTE))
        if high < low:
            continue
        out.append((f"shade-{shade}", str(low) if low == high else f"{low}\u2013{high}", shade >= DARK_FROM))
    return out


def search_url(country: str, column_facet: str, value: str) -> str:
    """The search page filtered to one cell: its country, its column value, publications only."""
    pairs = [("country", country), (column_facet, value)] + [("type", t) for t in PUBLICATION_TYPES]
    return "/search/?" + urlencode(pairs)


def build_map(columns: str = "gcm", *, client: Elasticsearch | None = None) -> EvidenceMap:
    """Count publications per country and objective/theme; raises SearchUnavailable when ES is down."""
    field_name, column_title, _ = COLUMN_FACETS.get(columns, COLUMN_FACETS["gcm"])
    columns = columns if columns in COLUMN_FACETS else "gcm"
    client = client or get_client()
    try:
        response = client.search(
            index=alias_name(),
            size=0,
            query={"term": {"kind": "publication"}},
            aggs={
                "countries": {
                    "terms": {"field": "countries", "size": 500},
                    "aggs": {"columns": {"terms": {"field": field_name, "size": 500}}},
                },
                "columns": {"terms": {"field": field_name, "size": 500}},
            },
            track_total_hits=True,
        )
    except ELASTICSEARCH_ERRORS as exc:
        raise search_error(exc) from exc
    taxonomy = get_taxonomy()
    counts: dict[str, dict[str, int]] = {}
    country_totals: dict[str, int] = {}
    for bucket in response["aggregations"]["countries"]["buckets"]:
        counts[bucket["key"]] = {b["key"]: b["doc_count"] for b in bucket["columns"]["buckets"]}
        country_totals[bucket["key"]] = bucket["doc_count"]
    # A publication tagged with two objectives counts once in each cell but once in a total.
    column_totals = {b["key"]: b["doc_count"] for b in response["aggregations"]["columns"]["buckets"]}

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

    regional = set(Country.objects.filter(colombo_process_member=True).values_list("alpha2", flat=True)) | set(
        Country.objects.filter(main_destination=True).values_list("alpha2", flat=True)
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
                search_url(code, columns, c.code),
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
        total=response["hits"]["total"]["value"],
        legend=legend_for(maximum),
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
