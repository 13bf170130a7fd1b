"""PNG versions of salam.charts' pictures, drawn with matplotlib's Agg canvas (no display, no browser).

Kept apart from salam.charts so that pages, which only need SVG, never import matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from salam.charts import HEAT_COLOURS, HEAT_DARK_FROM, heat_legend, heat_shade, shorten


def heat_map_png(
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
    dpi: int = 150,
) -> bytes:
    """The heat map heat_map_svg draws, as PNG bytes: shaded cells, numbers, totals and the legend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rows, cols = len(row_labels), len(column_labels)
    col_totals = list(column_totals) if column_totals is not None else [sum(r[j] for r in matrix) for j in range(cols)]
    row_totals = list(row_totals) if row_totals is not None else [sum(r) for r in matrix]
    total = sum(col_totals) if total is None else total
    maximum = max((v for row in matrix for v in row), default=0)
    # One cell is 0.3 inch; room on the left for country names and on top for column names.
    longest = max((len(shorten(label, 20)) for label in column_labels), default=3)
    cell, left, top, bottom = 0.3, 1.9, 0.75 + 0.055 * longest, 0.8
    width = left + cell * (cols + 1) + 0.3
    height = top + cell * (rows + 1) + bottom
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.axis("off")
    axes.text(0.1, 0.3, title, fontsize=10, fontweight="bold", va="center")
    text = {"fontsize": 6.5, "ha": "center", "va": "center"}

    def box(x: float, y: float, value: int, fill: str, ink: str = "#1a1a1a", bold: bool = False) -> None:
        axes.add_patch(Rectangle((x, y), cell, cell, facecolor=fill, edgecolor="#c9d3dd", linewidth=0.5))
        if value:
            axes.text(
                x + cell / 2, y + cell / 2, str(value), color=ink, fontweight="bold" if bold else "normal", **text
            )

    for j, label in enumerate([*column_labels, "All"]):
        axes.text(
            left + j * cell + cell / 2,
            top - 0.05,
            shorten(label, 20),
            rotation=60,
            fontsize=6.5,
            ha="left",
            va="bottom",
            rotation_mode="anchor",
        )
    for i, label in enumerate([*row_labels, "All countries"]):
        axes.text(left - 0.08, top + i * cell + cell / 2, shorten(label, 24), fontsize=7, ha="right", va="center")
    for i, row in enumerate(matrix):
        y = top + i * cell
        for j, value in enumerate(row):
            shade = heat_shade(value, maximum)
            fill = HEAT_COLOURS[shade] if shade is not None else "#ffffff"
            ink = "#ffffff" if shade is not None and shade >= HEAT_DARK_FROM else "#1a1a1a"
            box(left + j * cell, y, value, fill, ink)
        box(left + cols * cell, y, row_totals[i], "#f7f9fb", bold=True)
    y = top + rows * cell
    for j, value in enumerate([*col_totals, total]):
        box(left + j * cell, y, value, "#f7f9fb", bold=True)
    y = top + (rows + 1) * cell + 0.35
    axes.text(0.1, y, "Publications per cell:", fontsize=7, va="center")
    x = 1.45
    for shade, label in heat_legend(maximum):
        axes.add_patch(Rectangle((x, y - 0.1), 0.2, 0.2, facecolor=HEAT_COLOURS[shade], edgecolor="#c9d3dd"))
        axes.text(x + 0.25, y, label, fontsize=7, va="center")
        x += 0.45 + 0.07 * len(label)
    buffer = io.BytesIO()
    # The description rides along as PNG text metadata, for whoever catalogues the file.
    figure.savefig(buffer, format="png", metadata={"Title": title, "Description": description or title})
    return buffer.getvalue()
