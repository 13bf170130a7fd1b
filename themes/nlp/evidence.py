"""Evidence: the passages, around each match, that made the tagger suggest a label."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Where = Literal["title", "abstract", "body"]

MAX_EVIDENCE = 3
MAX_PASSAGE_CHARS = 300
_WHERE_RANK = {"title": 0, "abstract": 1, "body": 2}
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+|\n\s*\n")


@dataclass(frozen=True)
class Evidence:
    """A passage that made the tagger suggest a label."""

    page: int | None
    text: str
    where: Where

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored on TagSuggestion.evidence."""
        return asdict(self)


def _passage(text: str, start: int, end: int) -> str:
    """The sentence around a match, whitespace collapsed, at most MAX_PASSAGE_CHARS long."""
    lo = max(0, start - 2 * MAX_PASSAGE_CHARS)
    hi = min(len(text), end + 2 * MAX_PASSAGE_CHARS)
    begin = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, end, hi)
    finish = m.start() + 1 if m else hi
    if finish - begin > MAX_PASSAGE_CHARS:
        half = max(0, (MAX_PASSAGE_CHARS - (end - start)) // 2)
        begin, finish = max(begin, start - half), min(finish, end + half)
    passage = " ".join(text[begin:finish].split())
    return passage[:MAX_PASSAGE_CHARS]


def _evidence(
    segments: list[tuple[Where, int | None, str]], found: list[tuple[int, float, int, int]]
) -> list[Evidence]:
    """Up to MAX_EVIDENCE distinct passages: title first, then abstract, then the strongest body mentions."""
    evidence: list[Evidence] = []
    seen: set[str] = set()
    ordered = sorted(found, key=lambda f: (_WHERE_RANK[segments[f[0]][0]], -f[1], f[0], f[2]))
    for index, _weight, start, end in ordered:
        where, page, text = segments[index]
        passage = _passage(text, start, end)
        if passage and passage not in seen:
            seen.add(passage)
            evidence.append(Evidence(page=page, text=passage, where=where))
            if len(evidence) >= MAX_EVIDENCE:
                break
    return evidence
