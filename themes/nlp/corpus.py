"""The tagger's labelled corpus (themes/corpus/): reading it, checking it and splitting it.

Passages and whole documents are JSON lines written by the team (see themes/corpus/GUIDELINES.md).
The split of an item never changes: it comes from a hash of its id, so adding files or items
moves nothing between train, dev and test. The test split is read only to report figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pycountry

Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")
#: Percent of items in train and dev (the rest is test).
TRAIN_PERCENT, DEV_PERCENT = 70, 15
CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
GENRES = frozenset({"research", "brief", "news", "practice", "government", "report", "offtopic"})


class CorpusError(ValueError):
    """A corpus file or line that cannot be used; the message says where and why."""


def split_of(item_id: str) -> Split:
    """The split an item belongs to, from a hash of its id (stable across runs and machines)."""
    bucket = int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % 100  # noqa: S324 (not for security)
    if bucket < TRAIN_PERCENT:
        return "train"
    return "dev" if bucket < TRAIN_PERCENT + DEV_PERCENT else "test"


@dataclass(frozen=True)
class Labels:
    """Gold labels of one item: ISO countries, theme slugs and GCM objective numbers (as strings)."""

    countries: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    gcm_objectives: frozenset[str] = frozenset()
    #: Documents only: countries named in passing (a suggestion, not an applied tag).
    countries_mentioned: frozenset[str] = frozenset()

    def of(self, family: str) -> frozenset[str]:
        """The labels of one tagger family ("country", "theme" or "gcm_objective")."""
        return {"country": self.countries, "theme": self.themes, "gcm_objective": self.gcm_objectives}[family]


@dataclass(frozen=True)
class Passage:
    """A labelled passage of one to five sentences."""

    id: str
    text: str
    labels: Labels
    genre: str = ""

    @property
    def split(self) -> Split:
        return split_of(self.id)

    @property
    def off_topic(self) -> bool:
        return self.genre == "offtopic"


@dataclass(frozen=True)
class Document:
    """A labelled whole document: title, abstract and page texts."""

    id: str
    title: str
    abstract: str
    pages: tuple[str, ...]
    labels: Labels
    genre: str = ""
    off_topic: bool = False

    @property
    def split(self) -> Split:
        return split_of(self.id)


@dataclass
class Corpus:
    """Every passage and document of the corpus."""

    passages: list[Passage] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def passages_in(self, *splits: Split) -> list[Passage]:
        return [p for p in self.passages if p.split in splits]

    def documents_in(self, *splits: Split) -> list[Document]:
        return [d for d in self.documents if d.split in splits]

    @property
    def fingerprint(self) -> str:
        """A hash of the contents (the model records what it was trained on); the same in every process."""
        digest = hashlib.sha256()
        for item in [*self.passages, *self.documents]:
            fields = {
                key: sorted(value) if isinstance(value, frozenset) else value for key, value in vars(item).items()
            }
            fields["labels"] = {key: sorted(value) for key, value in vars(item.labels).items()}
            digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())
        return digest.hexdigest()


def _codes(line: dict[str, Any], key: str, themes: frozenset[str] | None) -> frozenset[str]:
    values = line.get(key, [])
    if not isinstance(values, list):
        raise ValueError(f'"{key}" must be a list')
    codes: set[str] = set()
    for value in values:
        if key in ("countries", "countries_mentioned"):
            code = value.upper() if isinstance(value, str) else ""
            if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"unknown country {value!r} in {key!r} (expected an ISO 3166 alpha-2 code)")
        elif key == "themes":
            code = value if isinstance(value, str) else ""
            if themes is not None and code not in themes:
                raise ValueError(f"unknown theme {value!r}")
        else:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if number is None or not 1 <= number <= 23:
                raise ValueError(f"unknown GCM objective {value!r} (expected a number from 1 to 23)")
            code = str(number)
        codes.add(code)
    return frozenset(codes)


def _labels(line: dict[str, Any], themes: frozenset[str] | None) -> Labels:
    return Labels(
        countries=_codes(line, "countries", themes),
        themes=_codes(line, "themes", themes),
        gcm_objectives=_codes(line, "gcm_objectives", themes),
        countries_mentioned=_codes(line, "countries_mentioned", themes),
    )


def _text(line: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = line.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f'"{key}" must be a non-empty string' if required else f'"{key}" must be a string')
    return value


def parse_passage(line: Any, themes: frozenset[str] | None = None) -> Passage:
    """One passage line, checked (raises ValueError with the reason)."""
    if not isinstance(line, dict):
        raise ValueError("expected a JSON object")
    genre = line.get("genre", "")
    if genre and genre not in GENRES:
        raise ValueError(f"unknown genre {genre!r}")
    return Passage(id=_text(line, "id"), text=_text(line, "text"), labels=_labels(line, themes), genre=genre)


def parse_document(line: Any, themes: frozenset[str] | None = None) -> Document:
    """One document line, checked (raises ValueError with the reason)."""
    if not isinstance(line, dict):
        raise ValueError("expected a JSON object")
    pages = line.get("pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(p, str) for p in pages):
        raise ValueError('"pages" must be a non-empty list of strings')
    genre = line.get("genre", "")
    if genre and genre not in GENRES:
        raise ValueError(f"unknown genre {genre!r}")
    off_topic = line.get("off_topic", False)
    if not isinstance(off_topic, bool):
        raise ValueError('"off_topic" must be true or false')
    return Document(
        id=_text(line, "id"),
        title=_text(line, "title"),
        abstract=_text(line, "abstract", required=False),
        pages=tuple(pages),
        labels=_labels(line, themes),
        genre=genre,
        off_topic=off_topic,
    )


def read_jsonl(path: Path, parse, themes: frozenset[str] | None = None) -> list:
    """Parse every line of a JSON-lines file; errors name the file and line."""
    try:
        raw_lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read it ({exc})") from None
    items = []
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        try:
            items.append(parse(json.loads(raw), themes))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}, line {number}: invalid JSON ({exc.msg})") from None
        except ValueError as exc:
            raise CorpusError(f"{path}, line {number}: {exc}") from None
    return items


def load_corpus(folder: Path = CORPUS_DIR, themes: Iterable[str] | None = None) -> Corpus:
    """Every passage and document under ``folder`` (passages/*.jsonl, documents/*.jsonl), checked."""
    known = frozenset(themes) if themes is not None else None
    corpus = Corpus()
    for path in sorted((folder / "passages").glob("*.jsonl")):
        corpus.passages.extend(read_jsonl(path, parse_passage, known))
    for path in sorted((folder / "documents").glob("*.jsonl")):
        corpus.documents.extend(read_jsonl(path, parse_document, known))
    if not corpus.passages:
        raise CorpusError(f"{folder}: no passages (expected passages/*.jsonl)")
    seen: set[str] = set()
    for item in [*corpus.passages, *corpus.documents]:
        if item.id in seen:
            raise CorpusError(f"{folder}: the id {item.id!r} is used twice")
        seen.add(item.id)
    return corpus
