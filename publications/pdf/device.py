"""The glyph device: pdfminer's text device that builds a page's lines as its strings are drawn."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager

from publications.pdf.layout import (
    CHAR_MARGIN,
    LINE_OVERLAP,
    WORD_MARGIN,
    Line,
    frame_rect,
    layout_text,
    text_orientation,
)
from publications.pdf.text import clean_text

_GlyphInfo = tuple[float, str, bool]  # advance in text space units, text, whether the font has no text for it
_ADVANCE, _TEXT, _UNDEFINED = itemgetter(0), itemgetter(1), itemgetter(2)
# text, advance (text space units), glyphs, spaces, glyphs without text, first and last glyph's
# advance, whether it ends with a space
_Segment = tuple[str, float, int, int, int, float, float, bool]
_SEGMENT_CACHE_SIZE = 50_000  # distinct strings remembered per font (a book has a few thousand)


class PageTextDevice(PDFTextDevice):
    """Turns one page's glyphs into lines as they are drawn; graphics and images are ignored.

    Glyphs that follow each other on a baseline join the current line, with a space where the gap
    is wider than a word margin (pdfminer's LAParams rules: line_overlap, char_margin, word_margin);
    anything else starts a new line. Lines are grouped into boxes at the end of the page.
    """

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.text = ""
        self.undefined = 0
        # Per font: character code -> (advance in text space units, text); pdfminer looks both up
        # through several layers for every glyph.
        self._glyph_cache: dict[Any, dict[int, _GlyphInfo]] = {}
        self._segments: dict[Any, dict[bytes, _Segment]] = {}
        self._reset()

    def _reset(self) -> None:
        self.lines: list[Line] = []
        self._parts: list[str] = []
        # the current line's box, and the last glyph's box and orientation (-1: no line open)
        self._lx0 = self._ly0 = self._lx1 = self._ly1 = 0.0
        self._px0 = self._py0 = self._px1 = self._py1 = 0.0
        self._orient = -1

    def begin_page(self, page: Any, ctm: Any) -> None:
        """Start a page with no lines and no unmapped glyphs."""
        self._reset()
        self.text = ""
        self.undefined = 0

    def end_page(self, page: Any) -> None:
        """Close the last line and lay the page's lines out as its text."""
        self._close_line()
        self.text = clean_text(layout_text(self.lines))
        self.lines = []

    def _close_line(self) -> None:
        if self._orient >= 0:
            text = " ".join("".join(self._parts).split())
            if text:
                self.lines.append((self._lx0, self._ly0, max(self._lx0, self._lx1), self._ly1, text, self._orient))
        self._parts = []
        self._orient = -1

    def _glyphs_of(self, font: Any) -> dict[int, _GlyphInfo]:
        cache = self._glyph_cache.get(font)
        if cache is None:
            cache = self._glyph_cache[font] = {}
        return cache

    def _glyph(self, font: Any, cid: int, cache: dict[int, _GlyphInfo]) -> _GlyphInfo:
        undefined = False
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            undefined = True
            # pdfminer writes "(cid:123)", noise in search results. Unmapped glyphs are most often
            # spaces, symbols or ligatures, so a word break is the least bad stand-in; counted so
            # that a page made of them reads as "no text" rather than as a page of blanks.
            text = " "
        entry = cache[cid] = (font.char_width(cid), text, undefined)
        return entry

    def _add_glyph(self, x0: float, y0: float, x1: float, y1: float, text: str, orient: int) -> None:
        """The general case (any orientation); the upright case is inlined in render_string_horizontal."""
        if self._orient == orient:
            px0, py0, px1, py1 = self._px0, self._py0, self._px1, self._py1
            height = min(y1 - y0, py1 - py0)
            overlap = min(y1, py1) - max(y0, py0)
            distance = 0.0 if x0 <= px1 and px0 <= x1 else min(abs(x0 - px1), abs(px0 - x1))
            if overlap > height * LINE_OVERLAP and distance < max(x1 - x0, px1 - px0) * CHAR_MARGIN:
                if self._lx1 < x0 - WORD_MARGIN * max(x1 - x0, y1 - y0):
                    self._parts.append(" ")
                self._parts.append(text)
                self._lx0 = min(self._lx0, x0)
                self._ly0 = min(self._ly0, y0)
                self._ly1 = max(self._ly1, y1)
                self._lx1 = x1  # the next word gap is measured from the last glyph, as pdfminer does
                self._px0, self._py0, self._px1, self._py1 = x0, y0, x1, y1
                return
        self._close_line()
        self._parts = [text]
        self._orient = orient
        self._lx0, self._ly0, self._lx1, self._ly1 = x0, y0, x1, y1
        self._px0, self._py0, self._px1, self._py1 = x0, y0, x1, y1

    def _upright_glyph(self, gx0: float, gx1: float, gy0: float, gy1: float, text: str) -> None:
        """An upright glyph: on the current line's baseline only the gap to the previous one decides."""
        if self._orient == 0 and gy0 == self._py0 and gy1 == self._py1:
            px0, px1 = self._px0, self._px1
            if gx0 > px1:
                distance = gx0 - px1
            elif gx1 < px0:
                distance = px0 - gx1
            else:
                distance = 0.0
            width = gx1 - gx0
            pwidth = px1 - px0
            if distance < (width if width > pwidth else pwidth) * CHAR_MARGIN:
                if self._lx1 < gx0 - WORD_MARGIN * (width if width > gy1 - gy0 else gy1 - gy0):
                    self._parts.append(" ")
                self._parts.append(text)
                if gx0 < self._lx0:
                    self._lx0 = gx0
                self._lx1 = gx1
                self._px0 = gx0
                self._px1 = gx1
                return
        self._add_glyph(gx0, gy0, gx1, gy1, text, 0)

    def _segment(self, font: Any, data: bytes, segments: dict[bytes, _Segment]) -> _Segment:
        """What a string draws: its text, total advance, glyph count and the first and last glyph."""
        cache = self._glyphs_of(font)
        cids = font.decode(data)
        if not isinstance(cids, (bytearray, list)):
            cids = list(cids)
        entries = [cache.get(cid) or self._glyph(font, cid, cache) for cid in cids]
        if entries:
            segment = (
                "".join(map(_TEXT, entries)),
                sum(map(_ADVANCE, entries)),
                len(entries),
                cids.count(32),
                sum(map(_UNDEFINED, entries)),
                entries[0][0],
                entries[-1][0],
                cids[-1] == 32,
            )
        else:
            segment = ("", 0.0, 0, 0, 0, 0.0, 0.0, False)
        if len(segments) < _SEGMENT_CACHE_SIZE:
            segments[data] = segment
        return segment

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> Any:
        """Place a horizontal string's glyphs on lines (overrides pdfminer's, which builds an LTChar per glyph)."""
        # pdfminer's arithmetic for advancing along the string; the glyph boxes are LTChar's.
        (x, y) = pos
        a, b, c, d, e, f = matrix
        bottom = y + font.get_descent() * fontsize + rise
        top = bottom + fontsize
        scale = fontsize * scaling
        gy0, gy1 = d * bottom + f, d * top + f  # the same for every glyph of an upright string
        height = gy1 - gy0
        # Upright text with little letter spacing (nearly all text): no gap inside one string can
        # reach a word margin, so each string is placed as a whole, from what its first glyph
        # touches to where its last glyph ends. Strings repeat (words, syllables between kerning
        # adjustments), so what a string draws is computed once per font.
        if not (b == 0 and c == 0 and a > 0 and d > 0 and fontsize > 0 and abs(a * charspace) < WORD_MARGIN * height):
            return self._render_glyph_by_glyph(
                seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale
            )
        segments = self._segments.get(font)
        if segments is None:
            segments = self._segments[font] = {}
        # The line being built, kept in locals for the loop and written back at the end.
        same_line = self._orient == 0 and gy0 == self._py0 and gy1 == self._py1
        parts, px0, px1, lx0, lx1 = self._parts, self._px0, self._px1, self._lx0, self._lx1
        undefined_total = 0
        needcharspace = False
        for obj in seq:
            if type(obj) is not bytes:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                    needcharspace = True
                continue
            text, units, count, spaces, undefined, first, last, ends_with_space = segments.get(obj) or self._segment(
                font, obj, segments
            )
            if not count:
                continue
            if needcharspace:
                x += charspace
            gx0 = a * x + e
            gx1 = gx0 + a * first * scale
            undefined_total += undefined
            joined = False
            if same_line:
                if gx0 > px1:
                    distance = gx0 - px1
                elif gx1 < px0:
                    distance = px0 - gx1
                else:
                    distance = 0.0
                width = gx1 - gx0
                pwidth = px1 - px0
                if distance < (width if width > pwidth else pwidth) * CHAR_MARGIN:
                    if lx1 < gx0 - WORD_MARGIN * (width if width > height else height):
                        parts.append(" ")
                    parts.append(text)
                    if gx0 < lx0:
                        lx0 = gx0
                    joined = True
            if not joined:
                self._lx0, self._lx1, self._px0, self._px1 = lx0, lx1, px0, px1
                self._add_glyph(gx0, gy0, gx1, gy1, text, 0)
                parts, lx0, same_line = self._parts, self._lx0, True
            x += units * scale + charspace * (count - 1) + wordspace * spaces
            px0 = a * (x - last * scale - (wordspace if ends_with_space else 0.0)) + e
            px1 = lx1 = px0 + a * last * scale
            needcharspace = True
        self._lx0, self._lx1, self._px0, self._px1 = lx0, lx1, px0, px1
        self.undefined += undefined_total
        return (x, y)

    def _render_glyph_by_glyph(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
    ) -> Any:
        """Rotated, skewed or letter-spaced text: every glyph is placed and compared on its own."""
        (x, y) = pos
        a, b, c, d, e, f = matrix
        orient = text_orientation(a, b)
        bottom = y + font.get_descent() * fontsize + rise
        top = bottom + fontsize
        cache = self._glyphs_of(font)
        scale = fontsize * scaling
        upright = b == 0 and c == 0 and a > 0 and d > 0 and fontsize > 0
        gy0, gy1 = d * bottom + f, d * top + f
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for cid in font.decode(obj):
                if needcharspace:
                    x += charspace
                width, text, undefined = cache.get(cid) or self._glyph(font, cid, cache)
                advance = width * scale
                self.undefined += undefined
                if upright:
                    gx0 = a * x + e
                    self._upright_glyph(gx0, gx0 + a * advance, gy0, gy1, text)
                else:
                    x0, y0, x1, y1 = frame_rect(matrix, orient, x, bottom, x + advance, top)
                    self._add_glyph(x0, y0, x1, y1, text, orient)
                x += advance
                if cid == 32 and wordspace:
                    x += wordspace
                needcharspace = True
        return (x, y)

    def render_char(
        self,
        matrix: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        """Place one glyph of vertical writing and return its advance."""
        # Only vertical writing (CJK fonts with vertical metrics) comes here; the box is LTChar's.
        cache = self._glyphs_of(font)
        width, text, undefined = cache.get(cid) or self._glyph(font, cid, cache)
        self.undefined += undefined
        advance = width * fontsize * scaling
        vx, vy = font.char_disp(cid)
        vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
        vy = (1000 - vy) * fontsize * 0.001
        # Vertical writing runs down the text space; read it in the frame where that is "forward".
        orient = text_orientation(-matrix[2], -matrix[3])
        x0, y0, x1, y1 = frame_rect(matrix, orient, -vx, vy + rise + advance, -vx + fontsize, vy + rise)
        self._add_glyph(x0, y0, x1, y1, text, orient)
        return advance
