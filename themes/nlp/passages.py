"""Cutting a document into passages: the unit the classifier reads and evidence is quoted from.

A passage is a run of whole sentences of about TARGET_WORDS words that never crosses a page or a
paragraph break, so every passage has one page number and reads as a quotation. Very short
paragraphs (headings, page furniture) join the next paragraph of the same page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

Where = Literal["title", "abstract", "body"]

TARGET_WORDS = 80
MAX_WORDS = 160
MIN_PARAGRAPH_WORDS = 12
_PARAGRAPH = re.compile(r"\n\s*\n|\f")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Segment:
    """A piece of a document the tagger scores: the title, the abstract or a body passage."""

    where: Where
    page: int | None
    text: str
    words: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if not self.words:
            object.__setattr__(self, "words", len(self.text.split()))


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a simple rule: end punctuation, then a capital or digit)."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _paragraphs(page: str) -> Iterator[str]:
    pending = ""
    for paragraph in _PARAGRAPH.split(page):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        pending = f"{pending} {paragraph}".strip()
        if len(pending.split()) >= MIN_PARAGRAPH_WORDS:
            yield pending
            pending = ""
    if pending:
        yield pending


def _windows(paragraph: str) -> Iterator[str]:
    """Runs of sentences of about TARGET_WORDS words (a sentence longer than MAX_WORDS is cut)."""
    current: list[str] = []
    count = 0
    for sentence in sentences(paragraph):
        words = sentence.split()
        while len(words) > MAX_WORDS:
            if current:
                yield " ".join(current)
                current, count = [], 0
            yield " ".join(words[:MAX_WORDS])
            words = words[MAX_WORDS:]
        if current and count + len(words) > TARGET_WORDS and count >= TARGET_WORDS // 2:
            yield " ".join(current)
            current, count = [], 0
        current.append(" ".join(words))
        count += len(words)
    if current:
        yield " ".join(current)


def segments(pages: Sequence[str], title: str = "", abstract: str = "") -> list[Segment]:
    """The head (the title with the abstract's first passage), the rest of the abstract, and every body
    passage with its page number.

    A title alone is a few words, too little to judge what a text is about; read with the start of
    the abstract it says what the publication is about.
    """
    found: list[Segment] = []
    title = " ".join((title or "").split())
    head = [window for paragraph in _paragraphs(abstract or "") for window in _windows(paragraph)]
    if head:
        first = f"{title.rstrip('.')}. {head[0]}" if title else head[0]
        found.append(Segment("abstract", None, first))
        found.extend(Segment("abstract", None, window) for window in head[1:])
    elif title:
        found.append(Segment("title", None, title))
    for number, page in enumerate(pages or (), start=1):
        for paragraph in _paragraphs(page or ""):
            found.extend(Segment("body", number, window) for window in _windows(paragraph))
    return found
