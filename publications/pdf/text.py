"""Cleaning extracted text: control characters, ligatures, Unicode form, words hyphenated at line ends."""

from __future__ import annotations

import re
import unicodedata

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
