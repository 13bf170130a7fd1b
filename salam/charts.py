"""Server-rendered, accessible SVG charts: stacked bar charts and sequential shading for heat maps.

Every chart is drawn here as SVG text (no JavaScript, no external requests, no style attributes, so a
strict Content-Security-Policy holds) and carries the same numbers as a table that
``salam/includes/chart.html`` puts beside it. Colours are classes (``chart-series-N``, ``heat-N``)
that ``salam/static/css/charts.css`` maps to custom properties; the fill attributes are only the
fallback for a chart seen without that stylesheet (a downloaded file, a feed reader).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Categorical colours that keep 3:1 contrast against white (WCAG 1.4.11), told apart without hue too
# (the legend and the table give the names); more series than colours repeat the cycle.
SERIES_COLOURS = ("#0b4f8a", "#b3541e", "#1d6b34", "#6a3d9a", "#8a4b00", "#a4161a", "#176d78", "#5a5a5a")
# ColorBrewer "Blues" (sequential, colour-blind safe): dark text on the light classes, white on the dark.
HEAT_COLOURS = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
HEAT_DARK_FROM = 4
LABEL_CHARS_VERTICAL = 10
LABEL_CHARS_HORIZONTAL = 22
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One stack layer of a bar chart (a publication type)."""

    key: str
    label: str


@dataclass
class TableRow:
    label: str
    values: list[int]
    total: int
    url: str = ""


@dataclass
class Chart:
    """A rendered chart: its SVG, its legend and the data table that is its text alternative."""

    id: str
    title: str
    description: str
    svg: SafeString
    svg_narrow: SafeString  # the same data as bars across the page, for phones ("" when svg is already)
    series: list[tuple[str, str]]  # (label, css class) for the legend
    category_title: str
    value_title: str
    columns: list[str]  # series labels, the table's columns
    rows: list[TableRow] = field(default_factory=list)
    column_totals: list[int] = field(default_factory=list)
    total: int = 0

    @property
    def empty(self) -> bool:
        return self.total == 0


def shorten(label: str, limit: int) -> str:
    """A label cut to ``limit`` characters with an ellipsis (the full text stays in a tooltip and the table)."""
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: max(1, limit - 1)].rstrip() + "\u2026"


def nice_ceiling(value: int, ticks: int = 4) -> tuple[int, int]:
    """(top of the axis, step between gridlines): steps of 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1, 1
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    return int(math.ceil(value / step) * step), step


def _text(x: float, y: float, content: str, css: str, *, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}" fill="#1a1a1a"{extra}>'
        f"{escape(content)}</text>"
    )


def _label(x: float, y: float, label: str, limit: int, css: str, *, anchor: str) -> str:
    short = shorten(label, limit)
    if short == label:
        return _text(x, y, label, css, anchor=anchor)
    # The cut label keeps the full name as a tooltip; the table holds it for everyone.
    return f"<g><title>{escape(label)}</title>{_text(x, y, short, css, anchor=anchor)}</g>"


def _describe(title: str, categories: Sequence[str], totals: Sequence[int], series: Sequence[Series]) -> str:
    total = sum(totals)
    if not total:
        return f"{title}: nothing to count yet."
    peak = max(range(len(totals)), key=lambda i: totals[i])
    kinds = f" of {len(series)} kinds" if len(series) > 1 else ""
    return f"{total} in all{kinds}; the most, {totals[peak]}, in {categories[peak]}. The table gives every number."


def bar_chart(
    title: str,
    categories: Sequence[tuple[str, str]],
    series: Sequence[Series],
    counts: Mapping[tuple[str, str], int],
    *,
    category_title: str = "Category",
    value_title: str = "Count",
    description: str = "",
    urls: Mapping[str, str] | None = None,
    horizontal: bool | None = None,
    chart_id: str = "",
) -> Chart:
    """A bar chart of counts per category, stacked by series, with its data table.

    ``categories`` are (key, label) in display order; ``counts`` maps (category key, series key) to a
    count (missing pairs are 0, negative ones are treated as 0). ``horizontal`` defaults to bars
    across the page when labels are long or many, so they stay readable on a phone.
    """
    categories = [(str(k), str(label)) for k, label in categories]
    series = list(series) or [Series("count", value_title)]
    matrix = [[max(0, int(counts.get((key, s.key), 0) or 0)) for s in series] for key, _ in categories]
    totals = [sum(row) for row in matrix]
    column_totals = [sum(row[i] for row in matrix) for i in range(len(series))]
    labels = [label for _, label in categories]
    if horizontal is None:
        horizontal = len(categories) > 14 or any(len(label) > LABEL_CHARS_VERTICAL for label in labels)
    chart_id = escape(chart_id) or f"chart-{next(_ids)}"
    description = description or _describe(title, labels, totals, series)
    classes = [f"chart-series-{i % len(SERIES_COLOURS)}" for i in range(len(series))]
    draw = _horizontal if horizontal else _vertical
    svg = _svg(chart_id, title, description, *draw(labels, matrix, totals, classes))
    # A vertical chart shrunk to a phone's width would have unreadable text: phones get the bars
    # across instead (charts.css shows one of the two; the hidden one is display: none, so unread).
    narrow = (
        "" if horizontal else _svg(f"{chart_id}-n", title, description, *_horizontal(labels, matrix, totals, classes))
    )
    urls = urls or {}
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 - every text in it went through escape()
        svg_narrow=mark_safe(narrow),  # noqa: S308 - likewise
        series=[(s.label, css) for s, css in zip(series, classes, strict=True)],
        category_title=category_title,
        value_title=value_title,
        columns=[s.label for s in series],
        rows=[
            TableRow(label, row, total, urls.get(key, ""))
            for (key, label), row, total in zip(categories, matrix, totals, strict=True)
        ],
        column_totals=column_totals,
        total=sum(totals),
    )


def _svg(chart_id: str, title: str, description: str, body: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _grid(top: int, step: int) -> Iterable[int]:
    return range(0, top + 1, step)


def _vertical(labels, matrix, totals, classes) -> tuple[str, int, int]:
    left, right, top_margin, bottom = 44, 12, 22, 40
    n = max(1, len(labels))
    slot = max(28, min(72, 560 // n))
    width = left + right + slot * n
    height = 260
    plot_h = height - top_margin - bottom
    axis_top, step = nice_ceiling(max(totals, default=0))
    scale = plot_h / axis_top
    parts = []
    for tick in _grid(axis_top, step):
        y = top_margin + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="chart__grid" stroke="#dde3ea"/>'
        )
        parts.append(_text(left - 6, y + 4, str(tick), "chart__tick", anchor="end"))
    every = max(1, math.ceil(n / 12))  # thin the labels so they never overlap
    bar_w = slot * 0.7
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        x = left + i * slot + (slot - bar_w) / 2
        y = top_margin + plot_h
        for value, css in zip(row, classes, strict=True):
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" class="chart__bar {css}" '
                f'fill="{SERIES_COLOURS[int(css.rsplit("-", 1)[1])]}" stroke="#fff" stroke-width="1"/>'
            )
        if totals[i]:
            parts.append(_text(x + bar_w / 2, y - 4, str(totals[i]), "chart__value", anchor="middle"))
        if i % every == 0:
            parts.append(
                _label(
                    x + bar_w / 2, height - bottom + 16, label, LABEL_CHARS_VERTICAL, "chart__label", anchor="middle"
                )
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top_margin + plot_h}" y2="{top_margin + plot_h}" '
        f'class="chart__axis" stroke="#4a4a4a"/>'
    )
    return "".join(parts), width, height


def _horizontal(labels, matrix, totals, classes) -> tuple[str, int, int]:
    label_w, right, top_margin, row_h = 150, 34, 24, 26
    width = 420
    n = max(1, len(labels))
    height = top_margin + row_h * n + 8
    plot_w = width - label_w - right
    axis_top, step = nice_ceiling(max(totals, default=0))
    scale = plot_w / axis_top
    parts = []
    for tick in _grid(axis_top, step):
        x = label_w + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_margin - 6}" y2="{height - 8}" class="chart__grid" '
            f'stroke="#dde3ea"/>'
        )
        parts.append(_text(x, top_margin - 10, str(tick), "chart__tick", anchor="middle"))
    bar_h = row_h * 0.7
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        y = top_margin + i * row_h + (row_h - bar_h) / 2
        x = label_w
        for value, css in zip(row, classes, strict=True):
            if not value:
                continue
            w = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h:.1f}" class="chart__bar {css}" '
                f'fill="{SERIES_COLOURS[int(css.rsplit("-", 1)[1])]}" stroke="#fff" stroke-width="1"/>'
            )
            x += w
        parts.append(_text(x + 4, y + bar_h - 5, str(totals[i]), "chart__value"))
        parts.append(_label(label_w - 8, y + bar_h - 5, label, LABEL_CHARS_HORIZONTAL, "chart__label", anchor="end"))
    parts.append(
        f'<line x1="{label_w}" x2="{label_w}" y1="{top_margin - 6}" y2="{height - 8}" class="chart__axis" '
        f'stroke="#4a4a4a"/>'
    )
    return "".join(parts), width, height


# Heat maps -------------------------------------------------------------------------------------


def heat_shade(count: int, maximum: int, steps: int = len(HEAT_COLOURS)) -> int | None:
    """The sequential class of a count: equal-width classes from 1 to the largest cell; None for 0."""
    if count <= 0 or maximum <= 0:
        return None
    return min(steps - 1, math.ceil(count / maximum * steps) - 1)


def heat_legend(maximum: int, steps: int = len(HEAT_COLOURS)) -> list[tuple[int, str]]:
    """(class index, "from-to" label) for each class that can occur for counts 1..maximum."""
    out = []
    for shade in range(steps):
        low = math.floor(shade * maximum / steps) + 1
        high = math.floor((shade + 1) * maximum / steps)
        if high < low:
            continue
        out.append((shade, str(low) if low == high else f"{low}\u2013{high}"))
    return out


def heat_map_svg(
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    matrix: Sequence[Sequence[int]],
    *,
    description: str = "",
    column_titles: Sequence[str] | None = None,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
) -> str:
    """A standalone heat-map SVG (for download): shaded cells with their numbers, row and column totals.

    Totals default to sums; pass them when an item counts in several cells but once in a total.
    """
    rows = len(row_labels)
    cols = len(column_labels)
    maximum = max((v for row in matrix for v in row), default=0)
    longest = max((len(shorten(label, 20)) for label in column_labels), default=3)
    cell, label_w, head_h, legend_h = 30, 170, 50 + 6 * longest, 40
    width = label_w + cell * (cols + 1) + 20
    height = head_h + cell * (rows + 1) + legend_h + 30
    column_titles = column_titles or column_labels
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="hm-t hm-d" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f'<title id="hm-t">{escape(title)}</title>',
        f'<desc id="hm-d">{escape(description or title)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _text(8, 20, title, "heat__title", extra=' font-size="14" font-weight="bold"'),
    ]
    for j, (label, full) in enumerate(zip([*column_labels, "All"], [*column_titles, "All"], strict=True)):
        x = label_w + j * cell + cell / 2
        parts.append(
            f'<g><title>{escape(full)}</title><text transform="translate({x + 4:.1f},{head_h - 6}) rotate(-60)" '
            f'fill="#1a1a1a">{escape(shorten(label, 20))}</text></g>'
        )
    for i, label in enumerate([*row_labels, "All countries"]):
        y = head_h + i * cell
        parts.append(_text(label_w - 6, y + cell / 2 + 4, shorten(label, 24), "heat__row", anchor="end"))
    col_totals = list(column_totals) if column_totals is not None else [sum(r[j] for r in matrix) for j in range(cols)]
    row_totals = list(row_totals) if row_totals is not None else [sum(r) for r in matrix]
    total = sum(col_totals) if total is None else total
    for i, row in enumerate(matrix):
        y = head_h + i * cell
        for j, value in enumerate([*row, row_totals[i]]):
            x = label_w + j * cell
            is_total = j == cols
            shade = None if is_total else heat_shade(value, maximum)
            fill = "#f7f9fb" if is_total else (HEAT_COLOURS[shade] if shade is not None else "#ffffff")
            ink = "#ffffff" if shade is not None and shade >= HEAT_DARK_FROM else "#1a1a1a"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#c9d3dd"/>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" fill="{ink}">'
                f"{value if value else ''}</text>"
            )
    y = head_h + rows * cell
    for j, value in enumerate([*col_totals, total]):
        x = label_w + j * cell
        parts.append(
            f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#f7f9fb" stroke="#c9d3dd"/>'
            f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" fill="#1a1a1a" '
            f'font-weight="bold">{value}</text>'
        )
    y = head_h + (rows + 1) * cell + 24
    x = 8
    parts.append(_text(x, y + 12, "Publications per cell:", "heat__legend"))
    x += 140
    for shade, label in heat_legend(maximum):
        parts.append(f'<rect x="{x}" y="{y}" width="18" height="16" fill="{HEAT_COLOURS[shade]}" stroke="#c9d3dd"/>')
        parts.append(_text(x + 22, y + 12, label, "heat__legend"))
        x += 30 + 7 * len(label)
    parts.append("</svg>")
    return "".join(parts)
