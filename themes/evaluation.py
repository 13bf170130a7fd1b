"""Scoring the tagger against hand-labelled passages: precision, recall and F1 per family.

Each gold line is ``{"text": ..., "countries": ["NP"], "themes": ["<slug>"], "gcm_objectives": [21]}``
(optionally with "title" and "abstract"). A family missing from a line is not scored on that
line. Micro figures pool true/false positives over all scored lines; ``macro_f1`` is the mean
F1 of the labels that occur in the gold or the predictions.

Conventions for empty cases: with nothing predicted precision is 1.0 (no false positive), with
nothing to find recall is 1.0, and F1 is their harmonic mean (0.0 when either is 0.0). A family
with no label anywhere therefore scores 1.0 throughout.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from themes.nlp import Vocabulary, suggest_tags

logger = logging.getLogger(__name__)

#: Gold-file key -> the tagger's family name.
FAMILIES: dict[str, str] = {"countries": "country", "themes": "theme", "gcm_objectives": "gcm_objective"}
METRICS = ("precision", "recall", "f1", "macro_f1")


class EvaluationInputError(ValueError):
    """A gold file or line the evaluation cannot use; the message says where and why."""


@dataclass
class FamilyCounts:
    """True positives, false positives and false negatives, pooled and per label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    lines: int = 0
    per_label: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    def add(self, gold: Collection[str], predicted: Collection[str]) -> None:
        """Count one line's gold and predicted label sets."""
        gold, predicted = set(gold), set(predicted)
        self.lines += 1
        for label in gold | predicted:
            counts = self.per_label[label]
            if label in gold and label in predicted:
                self.tp += 1
                counts[0] += 1
            elif label in predicted:
                self.fp += 1
                counts[1] += 1
            else:
                self.fn += 1
                counts[2] += 1

    def metrics(self) -> dict[str, float]:
        """Micro precision, recall, F1 and macro F1 (see the module docstring for empty cases)."""
        precision, recall, f1 = precision_recall_f1(self.tp, self.fp, self.fn)
        per_label = [precision_recall_f1(tp, fp, fn)[2] for tp, fp, fn in self.per_label.values()]
        macro = sum(per_label) / len(per_label) if per_label else 1.0
        return {"precision": precision, "recall": recall, "f1": f1, "macro_f1": macro}


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_family(pairs: Iterable[tuple[Collection[str], Collection[str]]]) -> dict[str, float]:
    """Metrics for one family from (gold, predicted) label sets, one pair per line."""
    counts = FamilyCounts()
    for gold, predicted in pairs:
        counts.add(gold, predicted)
    return counts.metrics()


def normalise_gold(line: Any, vocabulary: Vocabulary) -> dict[str, Any]:
    """Check one gold line and return it with codes as the tagger writes them (raises ValueError)."""
    if not isinstance(line, dict):
        raise ValueError("expected a JSON object")
    text = line.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    for key in ("title", "abstract"):
        if not isinstance(line.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    themes = {t.slug for t in vocabulary.themes}
    objectives = {str(o.number) for o in vocabulary.objectives}
    gold: dict[str, Any] = {"text": text, "title": line.get("title", ""), "abstract": line.get("abstract", "")}
    for key in FAMILIES:
        if key not in line:
            continue
        values = line[key]
        if not isinstance(values, list | tuple | set | frozenset):
            raise ValueError(f'"{key}" must be a list')
        codes: set[str] = set()
        for value in values:
            if key == "countries":
                code = value.upper() if isinstance(value, str) else ""
                if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                    raise ValueError(f"unknown country {value!r} (expected an ISO 3166 alpha-2 code)")
            elif key == "themes":
                code = value if isinstance(value, str) else ""
                if code not in themes:
                    raise ValueError(f"unknown theme {value!r}")
            else:
                code = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
                if code.strip() not in objectives:
                    raise ValueError(f"unknown GCM objective {value!r}")
                code = code.strip()
            codes.add(code)
        gold[key] = codes
    return gold


def read_gold_file(path: str | Path, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Read and check a JSONL gold file; errors name the file line."""
    path = Path(path)
    try:
        raw_lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationInputError(f"{path}: cannot read it ({exc})") from None
    lines: list[dict[str, Any]] = []
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EvaluationInputError(f"{path}, line {number}: invalid JSON ({exc.msg})") from None
        try:
            lines.append(normalise_gold(obj, vocabulary))
        except ValueError as exc:
            raise EvaluationInputError(f"{path}, line {number}: {exc}") from None
    if not lines:
        raise EvaluationInputError(f"{path}: no gold lines")
    return lines


def predictions(
    lines: Iterable[dict[str, Any]], vocabulary: Vocabulary, *, progress: bool = False
) -> Iterator[tuple[dict[str, Any], dict[str, set[str]]]]:
    """Each checked gold line with the tagger's labels per gold-file family."""
    from tqdm import tqdm

    for number, line in enumerate(tqdm(lines, disable=not progress, file=sys.stderr, unit="line"), start=1):
        try:
            gold = normalise_gold(line, vocabulary)
        except ValueError as exc:
            raise EvaluationInputError(f"line {number}: {exc}") from None
        found = suggest_tags([gold["text"]], title=gold["title"], abstract=gold["abstract"], vocabulary=vocabulary)
        predicted: dict[str, set[str]] = {key: set() for key in FAMILIES}
        by_family = {family: key for key, family in FAMILIES.items()}
        for suggestion in found:
            predicted[by_family[suggestion.family]].add(suggestion.code)
        yield gold, predicted


def evaluate(lines: Iterable[dict[str, Any]], vocabulary: Vocabulary, *, progress: bool = False) -> dict[str, Any]:
    """Run the tagger over gold lines and return precision, recall, F1 and macro F1 per family."""
    counts = {key: FamilyCounts() for key in FAMILIES}
    for gold, predicted in predictions(lines, vocabulary, progress=progress):
        for key in FAMILIES:
            if key in gold:
                counts[key].add(gold[key], predicted[key])
    return {key: {**c.metrics(), "tp": c.tp, "fp": c.fp, "fn": c.fn, "lines": c.lines} for key, c in counts.items()}
