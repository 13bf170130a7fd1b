"""A quick reader for the usual ToUnicode CMaps, and the pdfminer CMapParser that uses it."""

from __future__ import annotations

import io
import re

from pdfminer.cmapdb import CMapParser, FileUnicodeMap

_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
_CMAP_ITEM = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|(\S)")  # hex string, [, ], anything else
_CMAP_UNUSUAL = re.compile(rb"usecmap|begincidrange|begincidchar|beginnotdefrange")


def read_unicode_map(data: bytes) -> dict[int, str] | None:
    """Character code -> text from a ToUnicode CMap made of bfchar and bfrange blocks of hex strings.

    The same mapping pdfminer's CMapParser builds, without its byte-by-byte tokeniser (a large
    share of the time spent on fonts); None for anything else (glyph names, usecmap, cid ranges,
    odd-length hex), which is then left to pdfminer.
    """
    if _CMAP_UNUSUAL.search(data):
        return None
    mapping: dict[int, str] = {}

    def put(code: int, target: bytes) -> None:
        text = target.decode("utf-16-be", "ignore")
        if text == "\u00a0" and mapping.get(code) == " ":
            return  # pdfminer keeps a space over a no-break space for the same code
        mapping[code] = text

    for block in _CMAP_BLOCK.finditer(data):
        items: list[bytes | list[bytes]] = []
        array: list[bytes] | None = None
        for hexstring, opened, closed, other in _CMAP_ITEM.findall(block.group(2)):
            if other or (opened and array is not None) or (closed and array is None):
                return None
            if opened:
                array = []
            elif closed:
                items.append(array)  # type: ignore[arg-type]
                array = None
            else:
                digits = b"".join(hexstring.split())
                if len(digits) % 2:
                    return None
                value = bytes.fromhex(digits.decode("ascii"))
                (items if array is None else array).append(value)
        if array is not None:
            return None
        if block.group(1) == b"bfchar":
            if len(items) % 2 or any(isinstance(item, list) for item in items):
                return None
            for source, target in zip(items[::2], items[1::2], strict=True):
                put(int.from_bytes(source, "big"), target)  # type: ignore[arg-type]
            continue
        if len(items) % 3:
            return None
        for low, high, target in zip(items[::3], items[1::3], items[2::3], strict=True):
            if isinstance(low, list) or isinstance(high, list) or len(low) != len(high):
                return None
            start, end = int.from_bytes(low, "big"), int.from_bytes(high, "big")
            if isinstance(target, list):
                for code, value in zip(range(start, end + 1), target, strict=False):
                    put(code, value)
                continue
            # The last (up to four) bytes of the target count up along the range, as in pdfminer.
            prefix, counter = target[:-4], target[-4:]
            base, width = int.from_bytes(counter, "big"), len(counter)
            mask = (1 << (8 * width)) - 1
            for offset in range(end - start + 1):
                put(start + offset, prefix + ((base + offset) & mask).to_bytes(width, "big"))
    return mapping


class ToUnicodeParser(CMapParser):
    """pdfminer's CMapParser, reading the usual ToUnicode maps with `read_unicode_map` instead."""

    def run(self) -> None:
        """Read the map with read_unicode_map, or with pdfminer's parser when it is unusual."""
        data = self.fp.getvalue() if isinstance(self.fp, io.BytesIO) else None
        mapping = read_unicode_map(data) if data is not None and isinstance(self.cmap, FileUnicodeMap) else None
        if mapping is None:
            super().run()
        else:
            self.cmap.cid2unichr.update(mapping)
