"""salam.charts: SVG bar charts and heat maps, and the table that is their text alternative."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from salam.charts import (
    HEAT_COLOURS,
    Series,
    bar_chart,
    heat_legend,
    heat_map_svg,
    heat_shade,
    nice_ceiling,
    shorten,
)

SVG = "{http://www.w3.org/2000/svg}"
TYPES = [Series("research_paper", "Research paper"), Series("policy_brief", "Policy brief")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output


def year_chart(**kwargs):
    counts = {("2021", "research_paper"): 2, ("2021", "policy_brief"): 1, ("2023", "policy_brief"): 4}
    return bar_chart(
        "Publications per year",
        [("2021", "2021"), ("2022", "2022"), ("2023", "2023")],
        TYPES,
        counts,
        category_title="Year",
        **kwargs,
    )


def test_bar_chart_is_an_accessible_image_with_title_and_description():
    chart = year_chart(chart_id="years")
    root = parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "years-t years-d"
    assert root.find(f"{SVG}title").text == "Publications per year"
    desc = root.find(f"{SVG}desc").text
    assert "7 in all" in desc and "the most, 4, in 2023" in desc
    # Three non-zero stack segments, each coloured by class with a fill fallback; no style attributes.
    bars = [r for r in root.iter(f"{SVG}rect") if "chart__bar" in r.get("class", "")]
    assert len(bars) == 3
    assert {b.get("class").split()[-1] for b in bars} == {"chart-series-0", "chart-series-1"}
    assert all(b.get("fill") for b in bars)
    assert "style=" not in chart.svg and "<script" not in chart.svg
    # The 2023 bar (4) is taller than the 2021 stack's research-paper segment (2).
    heights = sorted(float(b.get("height")) for b in bars)
    assert heights[-1] == pytest.approx(heights[0] * 4)


def test_table_holds_every_number_and_totals():
    chart = year_chart()
    assert chart.columns == ["Research paper", "Policy brief"]
    assert [(r.label, r.values, r.total) for r in chart.rows] == [
        ("2021", [2, 1], 3),
        ("2022", [0, 0], 0),
        ("2023", [0, 4], 4),
    ]
    assert chart.column_totals == [2, 5] and chart.total == 7
    html = render_to_string("salam/includes/chart.html", {"chart": chart})
    assert "<table" in html and "<details" in html and "Show the numbers as a table" in html
    assert '<th scope="row">2022</th>' in html
    assert "style=" not in html
    assert "chart__picture--narrow" in html  # years draw upright; phones get bars across


def test_empty_data_renders_without_error():
    chart = bar_chart("Nothing", [], TYPES, {})
    assert chart.empty and chart.total == 0
    root = parse(chart.svg)
    assert root.find(f"{SVG}desc").text == "Nothing: nothing to count yet."
    html = render_to_string("salam/includes/chart.html", {"chart": chart})
    assert "Nothing to count yet." in html and "<table" not in html


def test_zero_and_negative_counts_draw_no_bars_and_keep_an_axis():
    chart = bar_chart("Zeros", [("a", "A"), ("b", "B")], [], {("a", "count"): 0, ("b", "count"): -3})
    root = parse(chart.svg)
    assert not [r for r in root.iter(f"{SVG}rect") if "chart__bar" in r.get("class", "")]
    assert [r.total for r in chart.rows] == [0, 0]
    assert chart.empty


def test_long_labels_are_cut_with_the_full_name_as_tooltip_and_in_the_table():
    long = "Return and sustainable reintegration of migrant workers and their families"
    chart = bar_chart("Themes", [("return", long), ("fees", "Fees")], [], {("return", "count"): 3})
    assert chart.svg_narrow == ""  # long labels: bars across from the start
    root = parse(chart.svg)
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert long in tooltips
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert any(t and t.endswith("\u2026") and len(t) <= 22 for t in texts)
    assert chart.rows[0].label == long


def test_labels_are_escaped():
    chart = bar_chart('<script>alert("x")</script>', [("x", "<b>&</b>")], [], {("x", "count"): 1})
    assert "<script>" not in chart.svg and "&lt;b&gt;&amp;&lt;/b&gt;" in chart.svg
    parse(chart.svg)  # still well-formed XML
    html = render_to_string("salam/includes/chart.html", {"chart": chart})
    assert "<script>" not in html


def test_nice_ceiling_and_shorten():
    assert nice_ceiling(0) == (1, 1)
    assert nice_ceiling(7) == (8, 2)
    assert nice_ceiling(1) == (1, 1)
    assert nice_ceiling(230) == (300, 100)
    assert shorten("  a   b ", 10) == "a b"
    assert shorten("abcdefghijkl", 5) == "abcd\u2026"


def test_heat_shades_and_legend():
    assert heat_shade(0, 10) is None and heat_shade(3, 0) is None
    assert heat_shade(10, 10) == len(HEAT_COLOURS) - 1
    assert heat_shade(1, 10) == 0
    assert heat_legend(0) == []
    assert heat_legend(1) == [(5, "1")]
    labels = [label for _, label in heat_legend(12)]
    assert labels[0] == "1\u20132" and labels[-1] == "11\u201312"


def test_heat_map_svg_has_cells_totals_and_legend():
    svg = heat_map_svg(
        "Evidence map",
        ["Nepal", "Qatar"],
        ["1", "2"],
        [[3, 0], [1, 6]],
        row_totals=[3, 6],
        column_totals=[4, 6],
        total=8,
    )
    root = parse(svg)
    assert root.get("role") == "img"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Nepal" in texts and "All countries" in texts and "8" in texts
    assert "Publications per cell:" in texts
    assert "style=" not in svg
    # The largest cell has the darkest shade.
    assert HEAT_COLOURS[-1] in [r.get("fill") for r in root.iter(f"{SVG}rect")]
    # Empty matrix still renders.
    parse(heat_map_svg("Empty", [], [], []))
