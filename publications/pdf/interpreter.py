"""A content-stream interpreter for text only, on top of pdfminer's page interpreter."""

from __future__ import annotations

import logging
import re
from typing import Any

from pdfminer.pdfcolor import PREDEFINED_COLORSPACE
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, stream_value
from pdfminer.psparser import LIT

logger = logging.getLogger(__name__)

# pdfminer tokenises content streams one byte-state at a time, which is most of its running time.
# This interpreter scans them with one regular expression, runs pdfminer's own operator methods
# for text, fonts, matrices, graphics-state saves and form XObjects, and skips operands of
# operators that only draw (paths, colours, shading, marked content): no text is lost by that.
_SPACE = rb"\x00\t\n\x0c\r "
_DELIMITERS = rb"()<>\[\]{}/%"
_NUMBER = rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_CONTENT_TOKEN = re.compile(
    rb"(?:[" + _SPACE + rb"]+|%[^\r\n]*)*"  # whitespace and comments between tokens
    # An operator with the numbers before it, in one match: most operators take only numbers.
    rb"(?:(?P<op>(?P<args>(?:" + _NUMBER + rb"[" + _SPACE + rb"]+)*)"
    rb"(?P<kw>[A-Za-z'\"][^" + _SPACE + _DELIMITERS + rb"]*))"
    rb"|(?P<num>" + _NUMBER + rb")"
    rb"|/(?P<name>[^" + _SPACE + _DELIMITERS + rb"]*)"
    rb"|(?P<str>\()"
    rb"|(?P<open><<|\[)"
    rb"|(?P<close>>>|\])"
    rb"|<(?P<hex>[0-9A-Fa-f" + _SPACE + rb"]*)>"
    rb"|(?P<junk>.))",
    re.DOTALL,
)
_NUMBERS = re.compile(_NUMBER)
# Path construction and painting, clipping, colours and line styles: only drawing, skipped with
# their operands unread (a page of charts is mostly these).
_DRAWING_OPERATORS = frozenset(
    b"m l c v y h re S s f F f* B B* b b* n W W* g G rg RG k K w J j M i sc SC scn SCN".split()
)
_INLINE_IMAGE_DATA = re.compile(rb"[" + _SPACE + rb"]ID[" + _SPACE + rb"]")
_INLINE_IMAGE_END = re.compile(rb"[" + _SPACE + rb"]EI(?=[" + _SPACE + rb"]|$)")
_STRING_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# pdfminer method names for the operators that affect where and which text is shown.
_TEXT_OPERATORS = {
    b"q": "do_q",
    b"Q": "do_Q",
    b"cm": "do_cm",
    b"BT": "do_BT",
    b"ET": "do_ET",
    b"Tc": "do_Tc",
    b"Tw": "do_Tw",
    b"Tz": "do_Tz",
    b"TL": "do_TL",
    b"Tf": "do_Tf",
    b"Tr": "do_Tr",
    b"Ts": "do_Ts",
    b"Td": "do_Td",
    b"TD": "do_TD",
    b"Tm": "do_Tm",
    b"T*": "do_T_a",
    b"Tj": "do_Tj",
    b"TJ": "do_TJ",
    b"'": "do__q",
    b'"': "do__w",
    b"Do": "do_Do",
}
_CONSTANTS: dict[bytes, bool | None] = {b"true": True, b"false": False, b"null": None}


# The body of an array made only of numbers, hex strings and strings without nested brackets,
# and its items: "[(Hel) -20 (lo\\) world)]" in one match.
_ARRAY_ITEM = rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f" + _SPACE + rb"]*>|" + _NUMBER
_SIMPLE_ARRAY = re.compile(rb"((?:[" + _SPACE + rb"]*(?:" + _ARRAY_ITEM + rb"))*)[" + _SPACE + rb"]*\]", re.DOTALL)
_SIMPLE_ARRAY_ITEMS = re.compile(
    rb"\((?P<str>(?:[^()\\]|\\.)*)\)|<(?P<hex>[0-9A-Fa-f" + _SPACE + rb"]*)>|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))",
    re.DOTALL,
)


def _simple_array_items(body: bytes) -> list[Any]:
    items: list[Any] = []
    # "()" and "<>" both leave every group empty: either way the item is an empty string.
    for string, hexstring, number in _SIMPLE_ARRAY_ITEMS.findall(body):
        if number:
            items.append(float(number) if b"." in number else int(number))
        elif hexstring:
            items.append(_hex_bytes(hexstring))
        elif b"\\" in string:
            items.append(_read_literal_string(string + b")", 0)[0])
        else:
            items.append(string)
    return items


def _hex_bytes(digits: bytes) -> bytes:
    digits = bytes(ch for ch in digits if ch not in b"\x00\t\n\x0c\r ")
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _read_literal_string(data: bytes, pos: int) -> tuple[bytes, int]:
    """The (string) starting after its opening bracket at `pos`, and the position after it."""
    end = data.find(b")", pos)
    if end >= 0:
        plain = data[pos:end]
        if b"\\" not in plain and b"(" not in plain:
            return plain, end + 1
    out = bytearray()
    depth = 1
    i, n = pos, len(data)
    while i < n:
        c = data[i]
        i += 1
        if c == 0x5C:  # backslash
            if i >= n:
                break
            e = data[i]
            i += 1
            if 0x30 <= e <= 0x37:
                digits = 1
                code = e - 0x30
                while digits < 3 and i < n and 0x30 <= data[i] <= 0x37:
                    code = code * 8 + data[i] - 0x30
                    i += 1
                    digits += 1
                out.append(code & 0xFF)
            elif e in _STRING_ESCAPES:
                out += _STRING_ESCAPES[e]
            elif e == 0x0D:  # a line continuation
                if i < n and data[i] == 0x0A:
                    i += 1
            elif e != 0x0A:
                out.append(e)
        elif c == 0x28:
            depth += 1
            out.append(c)
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i
            out.append(c)
        else:
            out.append(c)
    return bytes(out), n


def _skip_inline_image(data: bytes, pos: int) -> int:
    """Position after the EI of an inline image whose BI ended at `pos` (images carry no text)."""
    start = _INLINE_IMAGE_DATA.search(data, pos)
    if start is None:
        return len(data)
    header = data[pos : start.start()]
    body = start.end()
    if b"/A85" in header or b"/ASCII85Decode" in header:
        eod = data.find(b"~>", body)
        body = len(data) if eod < 0 else eod + 2
    end = _INLINE_IMAGE_END.search(data, body - 1)
    return len(data) if end is None else end.end()


class TextInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with a faster tokenizer that only executes text-related operators."""

    def init_resources(self, resources: Any) -> None:
        """Prepare the page's fonts and XObjects (pdfminer's, without colour spaces)."""
        # pdfminer's, minus colour spaces (only drawing uses them) and with one broken font costing
        # only its own text (pdfminer then falls back to a generic font) rather than the whole page.
        self.resources = resources
        self.fontmap = {}
        self.xobjmap = {}
        self.csmap = PREDEFINED_COLORSPACE.copy()
        if not resources:
            return
        for key, value in dict_value(resources).items():
            if key == "Font":
                for font_id, spec in dict_value(value).items():
                    try:
                        objid = spec.objid if isinstance(spec, PDFObjRef) else None
                        self.fontmap[font_id] = self.rsrcmgr.get_font(objid, dict_value(spec))
                    except (MemoryError, RecursionError):
                        raise
                    except Exception as exc:
                        logger.debug("Unreadable font %s: %s: %s", font_id, type(exc).__name__, exc)
            elif key == "XObject":
                self.xobjmap.update(dict_value(value))

    def do_TJ(self, seq: Any) -> None:
        """Show text without copying the graphics state for each string."""
        if self.textstate.font is None:
            return
        # pdfminer copies the graphics state for every string for its layout objects; the text
        # device does not read it.
        self.device.render_string(self.textstate, seq, self.graphicstate.ncs, self.graphicstate)

    def execute(self, streams: Any) -> None:
        """Run the text operators of the content streams, skipping streams already being run."""
        # The same guard against content streams that invoke themselves as pdfminer's.
        valid: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        if not valid:
            return
        data = b"\n".join(stream.get_data() or b"" for stream in valid)
        handlers = {}
        for op, name in _TEXT_OPERATORS.items():
            method = getattr(self, name)
            handlers[op] = (method, method.__code__.co_argcount - 1)
        self._run(data, handlers)

    def _run(self, data: bytes, handlers: dict[bytes, tuple[Any, int]]) -> None:
        stack: list[Any] = []
        marks: list[int] = []  # where each open array or dictionary starts on the stack
        match = _CONTENT_TOKEN.match
        pos, size = 0, len(data)
        while pos < size:
            m = match(data, pos)
            if m is None:  # only trailing whitespace or a comment was left
                break
            pos = m.end()
            kind = m.lastgroup
            if kind == "op":
                operator = m["kw"]
                if operator in _DRAWING_OPERATORS:
                    if not marks:
                        stack.clear()
                    continue
                if arguments := m["args"]:
                    stack.extend(float(t) if b"." in t else int(t) for t in _NUMBERS.findall(arguments))
                if operator in _CONSTANTS:
                    stack.append(_CONSTANTS[operator])
                    continue
                if marks:
                    continue  # an operator inside an array is a producer's bug; readers drop it
                if operator == b"BI":
                    pos = _skip_inline_image(data, pos)
                elif (handler := handlers.get(operator)) is not None:
                    self._call(*handler, stack)
                stack.clear()
            elif kind == "num":
                token = m.group(kind)
                stack.append(float(token) if b"." in token else int(token))
            elif kind == "name":
                name = m.group(kind)
                if b"#" in name:
                    name = _NAME_ESCAPE.sub(lambda e: bytes((int(e.group(1), 16),)), name)
                stack.append(LIT(name.decode("latin-1")))
            elif kind == "str":
                value, pos = _read_literal_string(data, pos)
                stack.append(value)
            elif kind == "open":
                if m.group(kind) == b"[" and (array := _SIMPLE_ARRAY.match(data, pos)) is not None:
                    # A TJ array of plain strings and numbers: one match instead of one per item.
                    stack.append(_simple_array_items(array.group(1)))
                    pos = array.end()
                else:
                    marks.append(len(stack))
            elif kind == "close":
                if marks:
                    start = marks.pop()
                    items = stack[start:]
                    del stack[start:]
                    if m.group(kind) == b"]":
                        stack.append(items)
                    else:
                        stack.append(dict(zip(items[::2], items[1::2], strict=False)))
            elif kind == "hex":
                stack.append(_hex_bytes(m.group(kind)))

    def _call(self, handler: Any, nargs: int, stack: list[Any]) -> None:
        if len(stack) < nargs:
            return  # a malformed operation: pdfminer skips it too
        try:
            handler(*stack[len(stack) - nargs :]) if nargs else handler()
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:
            # One bad operator (a missing font, a broken form) should not cost the rest of the page.
            logger.debug("Skipped %s: %s: %s", handler.__name__, type(exc).__name__, exc)
