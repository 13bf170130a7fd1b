"""Turning glyphs into lines and lines into paragraph boxes in reading order."""

from __future__ import annotations

import bisect

# Layout thresholds, in the units pdfminer's LAParams uses (fractions of glyph size).
LINE_OVERLAP = 0.5
CHAR_MARGIN = 2.0
WORD_MARGIN = 0.1
LINE_MARGIN = 0.5

# Glyphs and lines are kept in their text's own frame: x grows in reading direction, y grows "up" from the baseline.
# Orientation 0 is normal text, 1/2/3 are text rotated by 90/180/270 degrees on the page, so a
# landscape table printed sideways still reads as words rather than one letter per line.
Line = tuple[float, float, float, float, str, int]  # x0, y0, x1, y1, text, orientation


def text_orientation(a: float, b: float) -> int:
    """Quarter turn of the text direction (a, b) in device space."""
    if abs(a) >= abs(b):
        return 0 if a >= 0 else 2
    return 1 if b > 0 else 3


def _to_frame(orientation: int, x: float, y: float) -> tuple[float, float]:
    if orientation == 0:
        return x, y
    if orientation == 1:
        return y, -x
    if orientation == 2:
        return -x, -y
    return -y, x


def frame_rect(
    matrix: tuple[float, float, float, float, float, float],
    orientation: int,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
) -> tuple[float, float, float, float]:
    """The text-space rectangle under `matrix`, as a bounding box in the orientation's frame."""
    a, b, c, d, e, f = matrix
    if b == 0 and c == 0 and orientation == 0:  # the common case: upright, unskewed text
        ax0, ax1 = a * x0 + e, a * x1 + e
        ay0, ay1 = d * y0 + f, d * y1 + f
        return min(ax0, ax1), min(ay0, ay1), max(ax0, ax1), max(ay0, ay1)
    xs: list[float] = []
    ys: list[float] = []
    for px, py in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        fx, fy = _to_frame(orientation, a * px + c * py + e, b * px + d * py + f)
        xs.append(fx)
        ys.append(fy)
    return min(xs), min(ys), max(xs), max(ys)


def _group_boxes(lines: list[Line]) -> list[list[Line]]:
    """Merge lines into paragraph boxes: close vertically, similar height, aligned on an edge or centre."""
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_bottom = sorted(range(len(lines)), key=lambda i: lines[i][1])
    bottoms = [lines[i][1] for i in by_bottom]
    for i, (x0, y0, x1, y1, _text, orient) in enumerate(lines):
        height = y1 - y0
        d = LINE_MARGIN * height
        # A neighbour's bottom lies below our top + d and (its height being at most ours + d)
        # above our bottom - d - (height + d): a window of the sorted bottoms.
        lo = bisect.bisect_right(bottoms, y0 - d - (height + d))
        hi = bisect.bisect_left(bottoms, y1 + d)
        for j in by_bottom[lo:hi]:
            if j == i:
                continue
            ox0, oy0, ox1, oy1, _t, oorient = lines[j]
            if (
                oorient == orient
                and oy1 > y0 - d
                and ox0 < x1
                and x0 < ox1
                and abs((oy1 - oy0) - height) <= d
                and (abs(ox0 - x0) <= d or abs(ox1 - x1) <= d or abs((ox0 + ox1) - (x0 + x1)) <= 2 * d)
            ):
                parent[find(j)] = find(i)
    boxes: dict[int, list[Line]] = {}
    for i, line in enumerate(lines):
        boxes.setdefault(find(i), []).append(line)
    result = list(boxes.values())
    for box in result:
        box.sort(key=lambda line: -line[3])
    return result


_Box = tuple[float, float, float, float, list[Line]]
_XY_CUT_MAX_BOXES = 400  # beyond this (dense tables) plain top-to-bottom order is good enough and cheap


def _reading_order(boxes: list[list[Line]]) -> list[list[Line]]:
    """Order boxes per orientation by recursive XY-cut: columns left to right, rows top to bottom."""
    ordered: list[list[Line]] = []
    for orient in sorted({box[0][5] for box in boxes}):
        framed: list[_Box] = [
            (
                min(line[0] for line in box),
                min(line[1] for line in box),
                max(line[2] for line in box),
                max(line[3] for line in box),
                box,
            )
            for box in boxes
            if box[0][5] == orient
        ]
        if len(framed) > _XY_CUT_MAX_BOXES:
            framed.sort(key=lambda b: (-b[3], b[0]))
            ordered.extend(b[4] for b in framed)
        else:
            ordered.extend(b[4] for b in _xy_cut(framed))
    return ordered


def _xy_cut(boxes: list[_Box]) -> list[_Box]:
    result: list[_Box] = []
    stack: list[list[_Box]] = [boxes]
    while stack:
        group = stack.pop()
        if len(group) <= 1:
            result.extend(group)
            continue
        # Columns before rows: a gutter that runs the whole height of a group separates columns
        # (read one after the other); a title or footer spanning the gutter blocks that cut, so
        # the row cut takes it off first and the columns below are cut on the next round.
        parts = _split(group, vertical=True) or _split(group, vertical=False)
        if parts is None:
            result.extend(sorted(group, key=lambda b: (-b[3], b[0])))
            continue
        stack.extend(reversed(parts))  # the stack pops the first part first
    return result


def _split(group: list[_Box], vertical: bool) -> list[list[_Box]] | None:
    """Cut a group where no box crosses a horizontal gap (rows, top first) or a vertical one (columns)."""
    if vertical:
        items = sorted(group, key=lambda b: b[0])
        start, end = (lambda b: b[0]), (lambda b: b[2])
    else:
        items = sorted(group, key=lambda b: -b[3])
        start, end = (lambda b: -b[3]), (lambda b: -b[1])
    parts: list[list[_Box]] = [[items[0]]]
    reach = end(items[0])
    for box in items[1:]:
        if start(box) >= reach:
            parts.append([box])
        else:
            parts[-1].append(box)
        reach = max(reach, end(box))
    return parts if len(parts) > 1 else None


def layout_text(lines: list[Line]) -> str:
    """A page's text from its lines: lines within boxes, boxes in reading order, a blank line between."""
    if not lines:
        return ""
    boxes = _reading_order(_group_boxes(lines))
    return "\n\n".join("\n".join(line[4] for line in box) for box in boxes)
