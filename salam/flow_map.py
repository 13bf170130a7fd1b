"""A schematic map of migration corridors, drawn on the server as SVG, with its numbers as a table.

Countries sit at their capitals (countryinfo's coordinates, on an equirectangular projection of the
region the flows span, over its simplified country outlines), pushed apart where they crowd (the Gulf)
so every label stays readable: schematic, not a survey map. Each corridor is an arrow from origin to
destination whose width grows with its count, and carries a <title>. ``salam/includes/flow_map.html``
shows the picture and, a click away, the same flows as a table. Like salam.charts: no script, no
style attribute, colours are classes in ``css/charts.css`` with fill/stroke attributes as fallbacks.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

WIDE, NARROW = 760, 400  # viewBox widths: desktop, and phones (the same map with room for its labels)
MIN_STROKE, MAX_STROKE = 2.0, 11.0
MIN_SPAN_LON, MIN_SPAN_LAT = 30.0, 18.0  # so a short corridor (India - Maldives) is not drawn as a city map
_ids = itertools.count(1)


@dataclass(frozen=True)
class Flow:
    """One corridor: items tagged with both its origin and its destination."""

    origin: str  # ISO alpha-2
    origin_name: str
    destination: str
    destination_name: str
    publications: int
    lectures: int = 0
    url: str = ""

    @property
    def total(self) -> int:
        return self.publications + self.lectures

    @property
    def summary(self) -> str:
        parts = [
            f"{n} {noun}{'s' if n != 1 else ''}"
            for n, noun in ((self.publications, "publication"), (self.lectures, "lecture"))
            if n
        ]
        return " and ".join(parts) or "nothing"


@dataclass
class FlowMap:
    """A rendered corridor map: its SVG for wide and narrow screens and the flows as table rows."""

    id: str
    title: str
    description: str
    svg: SafeString
    svg_narrow: SafeString
    flows: list[Flow] = field(default_factory=list)
    focus_name: str = ""
    focus_is_origin: bool = True  # which end of its corridors the focus country is (for the empty message)
    unplaced: list[str] = field(default_factory=list)  # names of countries with no known position

    @property
    def empty(self) -> bool:
        return not self.flows

    @property
    def total(self) -> int:
        return sum(flow.total for flow in self.flows)

    @property
    def has_lectures(self) -> bool:
        return any(flow.lectures for flow in self.flows)


@functools.cache
def country_position(alpha2: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a country's capital, else of its centre; None when countryinfo has neither."""
    from countryinfo import CountryInfo

    try:
        info = CountryInfo(alpha2).info()
    except (LookupError, ValueError, AttributeError):  # countryinfo's CountryNotFoundError is a LookupError
        return None
    point = info.get("capital_latlng") or info.get("latlng")
    if not point or len(point) != 2:
        return None
    return float(point[0]), float(point[1])


@functools.cache
def _outlines() -> tuple[
    tuple[str, tuple[float, float, float, float], tuple[tuple[tuple[float, float], ...], ...]], ...
]:
    """Every country's simplified outline rings (lon, lat) with its bounding box, read once from countryinfo."""
    from countryinfo import all_countries

    found = []
    for country in all_countries():
        try:
            shape = country.geo_json()
        except (KeyError, ValueError, AttributeError, OSError):
            continue
        rings = []
        for feature in (shape or {}).get("features", []):
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                if polygon:
                    rings.append(tuple((float(x), float(y)) for x, y in polygon[0]))  # outer ring only
        if rings:
            xs = [x for ring in rings for x, _ in ring]
            ys = [y for ring in rings for _, y in ring]
            found.append((country.iso(2) or "", (min(xs), min(ys), max(xs), max(ys)), tuple(rings)))
    return tuple(found)


class _Projection:
    """Equirectangular over a box of (lon, lat), x stretched by cos(mid-latitude), fitted to ``width``."""

    def __init__(self, points: Sequence[tuple[float, float]], width: int, aspect: float) -> None:
        lats = [lat for lat, _ in points]
        lons = [lon for _, lon in points]
        lat0, lat1 = min(lats), max(lats)
        lon0, lon1 = min(lons), max(lons)
        self.box = (lon0, lon1, lat0, lat1)  # what it was made from (the same box makes the same projection)
        if lon1 - lon0 < MIN_SPAN_LON:
            mid = (lon0 + lon1) / 2
            lon0, lon1 = mid - MIN_SPAN_LON / 2, mid + MIN_SPAN_LON / 2
        if lat1 - lat0 < MIN_SPAN_LAT:
            mid = (lat0 + lat1) / 2
            lat0, lat1 = mid - MIN_SPAN_LAT / 2, mid + MIN_SPAN_LAT / 2
        pad_lon, pad_lat = (lon1 - lon0) * 0.18 + 4, (lat1 - lat0) * 0.12 + 3
        self.lon0, self.lon1 = lon0 - pad_lon, lon1 + pad_lon
        self.lat0, self.lat1 = lat0 - pad_lat, lat1 + pad_lat
        self.kx = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        # A flat strip of a region gets land above and below it, so crowded places have room to part.
        wanted = (self.lon1 - self.lon0) * self.kx * aspect
        if self.lat1 - self.lat0 < wanted:
            grow = (wanted - (self.lat1 - self.lat0)) / 2
            self.lat0, self.lat1 = self.lat0 - grow, self.lat1 + grow
        self.width = width
        self.scale = width / ((self.lon1 - self.lon0) * self.kx)
        self.height = int((self.lat1 - self.lat0) * self.scale)

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx * self.scale, (self.lat1 - lat) * self.scale

    def sees(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        return x1 >= self.lon0 and x0 <= self.lon1 and y1 >= self.lat0 - 10 and y0 <= self.lat1 + 10


def _spread(points: dict[str, list[float]], gap: float, width: int, height: int) -> None:
    """Push crowded points apart until each is ``gap`` from the others (a few rounds; stays in the frame)."""
    codes = sorted(points)
    for _ in range(40):
        moved = False
        for a, b in itertools.combinations(codes, 2):
            (ax, ay), (bx, by) = points[a], points[b]
            dx, dy = bx - ax, by - ay
            distance = math.hypot(dx, dy)
            if distance >= gap:
                continue
            if distance < 1e-6:  # two countries on one point: part them along a fixed direction
                dx, dy, distance = 1.0, 0.3, math.hypot(1.0, 0.3)
            push = (gap - distance) / 2 / distance
            points[a] = [ax - dx * push, ay - dy * push]
            points[b] = [bx + dx * push, by + dy * push]
            moved = True
        for code in codes:
            x, y = points[code]
            points[code] = [min(max(x, 14), width - 14), min(max(y, 14), height - 14)]
        if not moved:
            break


def _place_labels(
    points: dict[str, list[float]], labels: dict[str, str], font: float, width: int, height: int, focus: str
) -> dict[str, tuple[float, float, str]]:
    """(x, y, text-anchor) of each label: beside its point on the side away from the focus country.

    Labels on one side that would overlap are moved down the page, one under the other (a leader line
    then joins label and point), so a crowded region (the Gulf) stays legible.
    """
    fx = points.get(focus, [width / 2, height / 2])[0]
    line = font * 1.3
    boxes: list[list] = []  # [code, x, y, anchor, left, right]
    for code, (x, y) in points.items():
        w = len(labels[code]) * font * 0.6 + 2
        left_side = code != focus and x < fx
        if left_side and x - 9 - w < 2:
            left_side = False
        if not left_side and x + 9 + w > width - 2:
            left_side = True
        lx = x - 9 if left_side else x + 9
        boxes.append(
            [code, lx, y + font * 0.35, "end" if left_side else "start", *((lx - w, lx) if left_side else (lx, lx + w))]
        )
    boxes.sort(key=lambda b: (b[2], b[1]))
    for i, box in enumerate(boxes):
        for other in boxes[:i]:
            if other[4] < box[5] and box[4] < other[5] and box[2] - other[2] < line:
                box[2] = other[2] + line
    overflow = max((b[2] + font * 0.3 - height for b in boxes), default=0)
    if overflow > 0:
        for box in boxes:
            box[2] -= overflow
    return {code: (x, y, anchor) for code, x, y, anchor, _, _ in boxes}


def _arrow(start: tuple[float, float], end: tuple[float, float], stroke: float, bend: float) -> tuple[str, str]:
    """A curved shaft (path d) and its head (polygon points) from ``start`` to just short of ``end``."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    # Leave the points' discs clear, then bend to one side so two-way or parallel arrows do not merge.
    x0, y0 = x0 + ux * 7, y0 + uy * 7
    x1, y1 = x1 - ux * 8, y1 - uy * 8
    cx, cy = (x0 + x1) / 2 - uy * length * bend, (y0 + y1) / 2 + ux * length * bend
    tx, ty = x1 - cx, y1 - cy  # the curve's direction where it arrives
    t = math.hypot(tx, ty) or 1.0
    tx, ty = tx / t, ty / t
    head_length, head_half = 5 + stroke * 1.4, 3 + stroke * 1.1
    bx, by = x1 - tx * head_length, y1 - ty * head_length
    shaft = f"M{x0:.1f},{y0:.1f} Q{cx:.1f},{cy:.1f} {bx:.1f},{by:.1f}"
    head = (
        f"{x1:.1f},{y1:.1f} {bx - ty * head_half:.1f},{by + tx * head_half:.1f} "
        f"{bx + ty * head_half:.1f},{by - tx * head_half:.1f}"
    )
    return shaft, head


def _ring_path(ring: Sequence[tuple[float, float]], project: _Projection) -> str:
    out: list[tuple[int, int]] = []
    for lon, lat in ring:
        x, y = project(lat, lon)
        point = (round(x), round(y))
        # Outlines are background: points closer than three units add bytes, not shape.
        if not out or abs(point[0] - out[-1][0]) + abs(point[1] - out[-1][1]) >= 3:
            out.append(point)
    if len(out) < 3:
        return ""
    # Relative moves: small numbers, about half the bytes of absolute ones.
    steps = " ".join(f"{x - px},{y - py}" for (px, py), (x, y) in itertools.pairwise(out))
    return f"M{out[0][0]},{out[0][1]}l{steps}z"


@functools.lru_cache(maxsize=64)
def _land(lon0: float, lon1: float, lat0: float, lat1: float, width: int, aspect: float) -> str:
    """The outlines of every country in view as one path; kept per view, as each country page has one."""
    project = _Projection([(lat0, lon0), (lat1, lon1)], width, aspect)
    return "".join(
        path
        for _, box, rings in _outlines()
        if project.sees(box)
        for path in (_ring_path(ring, project) for ring in rings)
        if path
    )


def _draw(
    map_id: str,
    title: str,
    description: str,
    flows: Sequence[Flow],
    focus: str,
    positions: dict[str, tuple[float, float]],
    names: dict[str, str],
    width: int,
    font: float,
    aspect: float,
    gap: float,
) -> str:
    project = _Projection(list(positions.values()), width, aspect)
    height = project.height
    points = {code: list(project(*latlon)) for code, latlon in positions.items()}
    _spread(points, gap=font * gap, width=width, height=height)
    totals: dict[str, int] = {}
    for flow in flows:
        for code in (flow.origin, flow.destination):
            if code != focus:
                totals[code] = totals.get(code, 0) + flow.total
    labels = {code: names[code] if code == focus else f"{names[code]} ({totals.get(code, 0)})" for code in points}
    spots = _place_labels(points, labels, font, width, height, focus)
    land = _land(*project.box, width, aspect)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-map__svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{map_id}-t {map_id}-d" '
        f'font-family="system-ui, sans-serif" font-size="{font:g}">',
        f'<title id="{map_id}-t">{escape(title)}</title><desc id="{map_id}-d">{escape(description)}</desc>',
        f'<rect class="flow-map__sea" width="{width}" height="{height}" fill="#f3f6f9"/>',
        f'<path class="flow-map__land" d="{land}" fill="#e3eaf1" stroke="#c8d2dc" stroke-width="0.8"/>' if land else "",
    ]
    most = max((flow.total for flow in flows), default=1) or 1
    # Widest first, so a thin arrow is never hidden under a thick one.
    for flow in sorted(flows, key=lambda f: -f.total):
        if flow.origin not in points or flow.destination not in points:
            continue
        stroke = MIN_STROKE + (MAX_STROKE - MIN_STROKE) * flow.total / most
        shaft, head = _arrow(tuple(points[flow.origin]), tuple(points[flow.destination]), stroke, 0.12)
        parts.append(
            f'<g class="flow-map__flow"><title>{escape(flow.origin_name)} to {escape(flow.destination_name)}: '
            f"{escape(flow.summary)}</title>"
            f'<path d="{shaft}" fill="none" stroke="#a8481a" stroke-width="{stroke:.1f}" stroke-linecap="round" '
            f'stroke-opacity="0.85"/><polygon points="{head}" fill="#a8481a"/></g>'
        )
    for code, (x, y, _) in sorted(spots.items()):
        px, py = points[code]
        if abs(y - font * 0.35 - py) > 2:  # a label moved off its point keeps a line to it
            parts.append(
                f'<line class="flow-map__leader" x1="{px:.1f}" y1="{py:.1f}" x2="{x:.1f}" y2="{y - font * 0.35:.1f}" '
                f'stroke="#46525e" stroke-width="1"/>'
            )
    for code, (x, y) in sorted(points.items()):
        css = "flow-map__place flow-map__place--focus" if code == focus else "flow-map__place"
        radius = 6 if code == focus else 4.5
        parts.append(
            f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#0b4f8a" stroke="#ffffff" '
            f'stroke-width="1.5"/>'
        )
    for code, (x, y, anchor) in sorted(spots.items()):
        css = "flow-map__label flow-map__label--focus" if code == focus else "flow-map__label"
        weight = ' font-weight="700"' if code == focus else ""
        parts.append(
            f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#14202b" stroke="#ffffff" '
            f'stroke-width="3" paint-order="stroke"{weight}>{escape(labels[code])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def flow_map(
    title: str, flows: Sequence[Flow], *, focus: str, focus_name: str, focus_is_origin: bool = True, map_id: str = ""
) -> FlowMap:
    """The corridors of one country (``focus``) as a schematic map and a table (biggest corridor first)."""
    flows = sorted(flows, key=lambda f: (-f.total, f.origin_name, f.destination_name))
    names = {focus: focus_name}
    for flow in flows:
        names[flow.origin] = flow.origin_name
        names[flow.destination] = flow.destination_name
    positions = {code: pos for code in names if (pos := country_position(code)) is not None}
    unplaced = sorted(names[code] for code in names if code not in positions)
    if unplaced:
        logger.info("no position for %s on the corridor map of %s", ", ".join(unplaced), focus)
    map_id = escape(map_id) or f"flow-map-{next(_ids)}"
    if flows:
        top = flows[0]
        description = (
            f"{len(flows)} corridor{'s' if len(flows) != 1 else ''}; the widest arrow, "
            f"{top.origin_name} to {top.destination_name}, stands for {top.summary}. The table gives every number."
        )
    else:
        description = f"No corridors of {focus_name} are tagged yet."
    wide = narrow = ""
    if flows and focus in positions:
        wide = _draw(map_id, title, description, flows, focus, positions, names, WIDE, 12, 0.6, 3.6)
        narrow = _draw(f"{map_id}-n", title, description, flows, focus, positions, names, NARROW, 12, 0.85, 3.6)
    return FlowMap(
        id=map_id,
        title=title,
        description=description,
        svg=mark_safe(wide),  # noqa: S308 - every text in it went through escape()
        svg_narrow=mark_safe(narrow),  # noqa: S308 - likewise
        flows=list(flows),
        focus_name=focus_name,
        focus_is_origin=focus_is_origin,
        unplaced=unplaced,
    )
