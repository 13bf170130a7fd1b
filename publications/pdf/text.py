"""Cleaning extracted text: control characters, ligatures, Unicode form, hyphenated words, running heads."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Typographic ligatures (U+FB00-FB06) would make "efficient" unfindable when typed with f, f, i.
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
)


def clean_text(text: str) -> str:
    """Drop control characters (NUL breaks PostgreSQL, form feeds separate pages), split ligatures, NFC."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text).translate(_LIGATURES))


_LINE_END_HYPHEN = re.compile(r"\b(\w++)([-\u00ad\u2010])\n(\w++)")  # possessive: no backtracking
_WORD = re.compile(r"\w+")
_HYPHENATED_WORD = re.compile(r"\w+-\w+")


def join_hyphenated_words(pages: list[str]) -> list[str]:
    """Rejoin words split by a hyphen at a line end ("guar-" / "antees"), so search finds them.

    The document itself decides whether the hyphen stays: "pre-departure" stays hyphenated when
    it is written so elsewhere in the text and "predeparture" is not. Soft hyphens always go.
    """
    vocabulary: list[set[str]] = []  # [words, hyphenated words], read only if a case needs them

    def written(form: str, hyphenated: bool) -> bool:
        if not vocabulary:
            text = "\n".join(pages).lower()
            vocabulary.extend([set(_WORD.findall(text)), set(_HYPHENATED_WORD.findall(text))])
        return form in vocabulary[hyphenated]

    def join(match: re.Match[str]) -> str:
        head, hyphen, tail = match.groups()
        if not (head[-1].isalpha() and tail[0].islower()):
            return match.group(0)  # "1990-\n2000", "Ministry-\nLevel": not a broken word
        if hyphen == "-" and written(f"{head}-{tail}".lower(), True) and not written(f"{head}{tail}".lower(), False):
            return f"{head}-{tail}"
        return head + tail

    return [_LINE_END_HYPHEN.sub(join, page).replace("\u00ad", "") for page in pages]


#: Running heads and feet sit among the first and last few lines of a page.
_EDGE_LINES = 3
#: A line is running when it sits at the edge of at least this many pages, and of half of them.
_RUNNING_MIN_PAGES = 3
_DIGITS = re.compile(r"\d+")


def _running_key(line: str) -> str:
    """A line as it repeats from page to page: case and spacing ignored, every number the same ("Page 3 of 9")."""
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last _EDGE_LINES non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running heads and feet (a title, a journal name, page numbers repeated at the top or bottom of pages).

    Repeated on every page they would be highlighted as the match on each page, outweigh the body in
    ranking and count as evidence for a tag once per page. Only lines at a page's edges go, and only
    those repeated on at least half the pages (and three of them); a line repeated in the body stays.
    """
    split = [page.split("\n") for page in pages]
    with_text = sum(1 for lines in split if any(line.strip() for line in lines))
    if with_text < _RUNNING_MIN_PAGES:
        return pages
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_running_key(lines[i]) for i in _edge_indexes(lines)})
    needed = max(_RUNNING_MIN_PAGES, math.ceil(with_text / 2))
    running = {key for key, count in counts.items() if key and count >= needed}
    if not running:
        return pages
    result = []
    for page, lines in zip(pages, split, strict=True):
        drop = {i for i in _edge_indexes(lines) if _running_key(lines[i]) in running}
        result.append("\n".join(line for i, line in enumerate(lines) if i not in drop) if drop else page)
    return result
