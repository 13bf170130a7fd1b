"""Benchmark: what drawing a country's corridor map costs, against the two bar charts the page already draws.

    python bench/corridors.py [--corridors 12] [--rounds 40]

Draws the map (wide and narrow SVG) of one origin with --corridors destinations, and, as the
reference in the same run, the landing page's two bar charts (publications per year stacked by
type, and per type) for ten years of five types; alternately, --rounds times each, after one
untimed drawing of each (the country outlines are read once per process). Prints the mean and
median milliseconds of each, the SVG bytes, and the ratio map / charts.

No database or Elasticsearch: only the drawing, which is the part this module adds to the
country page besides one aggregation request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salam.settings.dev")

DESTINATIONS = ["QA", "SA", "AE", "KW", "OM", "BH", "MY", "SG", "JP", "KR", "JO", "LB", "MV", "IL"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corridors", type=int, default=12, help="destinations of the one origin (1-14)")
    parser.add_argument("--rounds", type=int, default=40, help="timed drawings of each (at least 3)")
    args = parser.parse_args()
    if not 1 <= args.corridors <= len(DESTINATIONS):
        parser.error(f"--corridors must be between 1 and {len(DESTINATIONS)}")
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")

    import django

    django.setup()
    from salam.charts import Series, bar_chart
    from salam.flow_map import Flow, flow_map

    flows = [Flow("NP", "Nepal", code, code, 1 + i * 3, i % 2) for i, code in enumerate(DESTINATIONS[: args.corridors])]
    types = [Series(f"t{i}", f"Type {i}") for i in range(5)]
    years = [(str(y), str(y)) for y in range(2015, 2025)]
    counts = {(y, t.key): (int(y) + i) % 4 for y, _ in years for i, t in enumerate(types)}

    def draw_map() -> int:
        drawn = flow_map("Corridors of Nepal", flows, focus="NP", focus_name="Nepal")
        return len(drawn.svg) + len(drawn.svg_narrow)

    def draw_charts() -> int:
        by_year = bar_chart("Per year", years, types, counts)
        by_type = bar_chart("Per type", [(t.key, t.label) for t in types], [Series("count", "n")], {}, horizontal=True)
        return sum(len(c.svg) + len(c.svg_narrow) for c in (by_year, by_type))

    sizes = {"map": draw_map(), "charts": draw_charts()}  # untimed: outlines read, caches warm
    times: dict[str, list[float]] = {"map": [], "charts": []}
    for round_number in range(args.rounds):
        order = [("map", draw_map), ("charts", draw_charts)]
        for name, draw in order if round_number % 2 == 0 else reversed(order):
            started = time.perf_counter()
            draw()
            times[name].append((time.perf_counter() - started) * 1000)
    for name in ("map", "charts"):
        print(
            f"{name:7s} mean {statistics.mean(times[name]):7.2f} ms  median {statistics.median(times[name]):7.2f} ms"
            f"  {sizes[name]:6d} bytes of SVG"
        )
    print(f"ratio map / charts (median): {statistics.median(times['map']) / statistics.median(times['charts']):.1f}")


if __name__ == "__main__":
    main()
