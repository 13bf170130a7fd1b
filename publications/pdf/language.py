"""The main language of a document's text (langdetect, on a bounded sample)."""

from __future__ import annotations

LANGUAGE_MIN_LETTERS = 40
LANGUAGE_SAMPLE_CHARS = 3_000  # langdetect needs far less; its time grows with the sample
LANGUAGE_MIN_PROBABILITY = 0.5


def detect_language(pages: list[str]) -> str | None:
    """ISO 639-1 code of the main language of the text, or None when there is too little to tell."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # the same text always gets the same answer
    sample = _language_sample(pages)
    if sum(ch.isalpha() for ch in sample) < LANGUAGE_MIN_LETTERS:
        return None
    try:
        best = detect_langs(sample)[0]
    except (LangDetectException, IndexError):
        return None
    if best.prob < LANGUAGE_MIN_PROBABILITY:
        return None
    return best.lang.split("-")[0]  # zh-cn, zh-tw -> zh


def _language_sample(pages: list[str]) -> str:
    # From a quarter into the document (past title pages, author lists and contents), wrapping round.
    start = len(pages) // 4
    parts: list[str] = []
    size = 0
    for text in pages[start:] + pages[:start]:
        parts.append(text)
        size += len(text)
        if size >= LANGUAGE_SAMPLE_CHARS:
            break
    return "\n".join(parts)[:LANGUAGE_SAMPLE_CHARS]
