"""Scoring the tagger against labelled text: precision, recall and F1 per family and per label.

Two kinds of gold data are read:

- a JSONL file of lines ``{"text": ..., "countries": ["NP"], "themes": ["<slug>"], "gcm_objectives": [21]}``
  (optionally with "title", "abstract" or "pages" for whole documents); a family missing from a
  line is not scored on that line;
- the project's corpus (themes/corpus/), passages and whole documents, one split at a time.

A label counts as predicted when the tagger *applies* it (its score reaches the apply threshold),
not merely suggests it. Micro figures pool true/false positives over all scored items; ``macro_f1``
is the mean F1 of the labels that occur in the gold or the predictions. With nothing predicted
precision is 1.0, with nothing to find recall is 1.0, and F1 is their harmonic mean.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from themes.nlp import Suggestion, Vocabulary, suggest_tags
from themes.nlp.classifier import TrainedModel
from themes.nlp.corpus import Document, Passage
from themes.nlp.decisions import BOUNDARY

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
        """Count one item's gold and predicted label sets."""
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

    def as_dict(self) -> dict[str, Any]:
        """Metrics, counts and per-label figures, JSON-ready."""
        labels = {
            label: dict(zip(("precision", "recall", "f1"), precision_recall_f1(*counts), strict=True))
            | {"tp": counts[0], "fp": counts[1], "fn": counts[2]}
            for label, counts in sorted(self.per_label.items(), key=lambda kv: _label_order(kv[0]))
        }
        return {**self.metrics(), "tp": self.tp, "fp": self.fp, "fn": self.fn, "lines": self.lines, "labels": labels}


def _label_order(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (100, label)


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_family(pairs: Iterable[tuple[Collection[str], Collection[str]]]) -> dict[str, float]:
    """Metrics for one family from (gold, predicted) label sets, one pair per item."""
    counts = FamilyCounts()
    for gold, predicted in pairs:
        counts.add(gold, predicted)
    return counts.metrics()


def applied(suggestions: Iterable[Suggestion], threshold: float = BOUNDARY) -> dict[str, set[str]]:
    """The labels the tagger applies (score from ``threshold`` up), per gold-file family key."""
    by_family = {family: key for key, family in FAMILIES.items()}
    predicted: dict[str, set[str]] = {key: set() for key in FAMILIES}
    for suggestion in suggestions:
        if suggestion.score >= threshold:
            predicted[by_family[suggestion.family]].add(suggestion.code)
    return predicted


# --- gold files ----------------------------------------------------------------------------------


def normalise_gold(line: Any, vocabulary: Vocabulary) -> dict[str, Any]:
    """Check one gold line and return it with codes as the tagger writes them (raises ValueError)."""
    if not isinstance(line, dict):
        raise ValueError("expected a JSON object")
    text = line.get("text")
    pages = line.get("pages")
    if pages is None:
        if not isinstance(text, str):
            raise ValueError('"text" must be a string (or give "pages", a list of page texts)')
        pages = [text]
    elif not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise ValueError('"pages" must be a list of strings')
    for key in ("title", "abstract"):
        if not isinstance(line.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    themes = {t.slug for t in vocabulary.themes}
    objectives = {str(o.number) for o in vocabulary.objectives}
    gold: dict[str, Any] = {
        "text": text if isinstance(text, str) else "",
        "pages": list(pages),
        "title": line.get("title", ""),
        "abstract": line.get("abstract", ""),
    }
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
    lines: Iterable[dict[str, Any]],
    vocabulary: Vocabulary,
    *,
    model: TrainedModel | None = None,
    threshold: float = BOUNDARY,
    progress: bool = False,
) -> Iterator[tuple[dict[str, Any], dict[str, set[str]]]]:
    """Each checked gold line with the labels the tagger applies, per gold-file family."""
    from tqdm import tqdm

    for number, line in enumerate(tqdm(lines, disable=not progress, file=sys.stderr, unit="line"), start=1):
        try:
            gold = normalise_gold(line, vocabulary)
        except ValueError as exc:
            raise EvaluationInputError(f"line {number}: {exc}") from None
        found = suggest_tags(
            gold["pages"], title=gold["title"], abstract=gold["abstract"], vocabulary=vocabulary, model=model
        )
        yield gold, applied(found, threshold)


def evaluate(
    lines: Iterable[dict[str, Any]],
    vocabulary: Vocabulary,
    *,
    model: TrainedModel | None = None,
    threshold: float = BOUNDARY,
    progress: bool = False,
) -> dict[str, Any]:
    """Run the tagger over gold lines and return precision, recall, F1 and macro F1 per family."""
    counts = {key: FamilyCounts() for key in FAMILIES}
    for gold, predicted in predictions(lines, vocabulary, model=model, threshold=threshold, progress=progress):
        for key in FAMILIES:
            if key in gold:
                counts[key].add(gold[key], predicted[key])
    return {key: c.as_dict() for key, c in counts.items()}


# --- the corpus ----------------------------------------------------------------------------------


@dataclass
class Report:
    """Figures for one kind of item (passages or documents): per family, and points for reliability."""

    kind: str
    items: int = 0
    families: dict[str, FamilyCounts] = field(default_factory=lambda: {key: FamilyCounts() for key in FAMILIES})
    #: Off-topic items, and how many of them got no theme and no objective.
    off_topic: int = 0
    off_topic_untagged: int = 0
    #: (family, score, correct) for every suggested label, for the reliability picture.
    points: list[tuple[str, float, bool]] = field(default_factory=list)

    def add(self, gold: dict[str, Collection[str]], suggestions: Sequence[Suggestion], threshold: float) -> None:
        """Count one item."""
        self.items += 1
        predicted = applied(suggestions, threshold)
        for key, family in FAMILIES.items():
            self.families[key].add(gold[key], predicted[key])
            for suggestion in suggestions:
                if suggestion.family == family:
                    self.points.append((key, suggestion.score, suggestion.code in gold[key]))

    def add_off_topic(self, suggestions: Sequence[Suggestion], threshold: float) -> None:
        predicted = applied(suggestions, threshold)
        self.off_topic += 1
        self.off_topic_untagged += not (predicted["themes"] or predicted["gcm_objectives"])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        share = self.off_topic_untagged / self.off_topic if self.off_topic else None
        return {
            "kind": self.kind,
            "items": self.items,
            "families": {key: counts.as_dict() for key, counts in self.families.items()},
            "off_topic": {"items": self.off_topic, "untagged": self.off_topic_untagged, "share_untagged": share},
        }


def _gold(labels) -> dict[str, Collection[str]]:
    return {"countries": labels.countries, "themes": labels.themes, "gcm_objectives": labels.gcm_objectives}


def evaluate_passages(
    passages: Sequence[Passage],
    vocabulary: Vocabulary,
    model: TrainedModel | None,
    *,
    threshold: float = BOUNDARY,
    tick: Callable[[], None] | None = None,
) -> Report:
    """Passage-level figures: each passage tagged on its own."""
    report = Report("passages")
    for passage in passages:
        found = suggest_tags([passage.text], vocabulary=vocabulary, model=model)
        report.add(_gold(passage.labels), found, threshold)
        if passage.off_topic:
            report.add_off_topic(found, threshold)
        if tick:
            tick()
    return report


def evaluate_documents(
    documents: Sequence[Document],
    vocabulary: Vocabulary,
    model: TrainedModel | None,
    *,
    threshold: float = BOUNDARY,
    tick: Callable[[], None] | None = None,
) -> Report:
    """Document-level figures: title, abstract and pages together; countries named in passing don't count."""
    report = Report("documents")
    for document in documents:
        found = suggest_tags(
            list(document.pages), title=document.title, abstract=document.abstract, vocabulary=vocabulary, model=model
        )
        report.add(_gold(document.labels), found, threshold)
        if document.off_topic:
            report.add_off_topic(found, threshold)
        if tick:
            tick()
    return report


def reliability(points: Sequence[tuple[str, float, bool]], bins: int = 10) -> list[dict[str, Any]]:
    """Per score bin: how many labels were suggested there and how many of them were right."""
    rows = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [ok for _f, score, ok in points if low <= score < high or (b == bins - 1 and score == 1.0)]
        rows.append(
            {"low": low, "high": high, "count": len(inside), "precision": sum(inside) / len(inside) if inside else None}
        )
    return rows


def write_reliability_png(reports: Sequence[Report], path: str | Path, threshold: float = BOUNDARY) -> Path:
    """A picture of predicted score against observed precision, one line per family and kind of item."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    path = Path(path)
    figure, axes = plt.subplots(1, len(reports), figsize=(6 * len(reports), 5), squeeze=False)
    for axis, report in zip(axes[0], reports, strict=True):
        axis.plot([0, 1], [0, 1], color="#999999", linestyle=":", label="perfectly calibrated")
        axis.axvline(threshold, color="#c0392b", linestyle="--", linewidth=1, label=f"applied from {threshold:g}")
        for key, colour in zip(FAMILIES, ("#1f6f8b", "#2e8b57", "#8e44ad"), strict=True):
            rows = [r for r in reliability([p for p in report.points if p[0] == key]) if r["count"]]
            xs = [(r["low"] + r["high"]) / 2 for r in rows]
            axis.plot(xs, [r["precision"] for r in rows], marker="o", color=colour, label=key.replace("_", " "))
            for x, r in zip(xs, rows, strict=True):
                axis.annotate(
                    str(r["count"]), (x, r["precision"]), fontsize=7, xytext=(2, 3), textcoords="offset points"
                )
        axis.set_xlim(0, 1)
        axis.set_ylim(0, 1.02)
        axis.set_xlabel("score given by the tagger (bins of 0.1; number of labels marked)")
        axis.set_ylabel("share of those labels that are right")
        axis.set_title(f"Reliability, {report.kind} ({report.items})")
        axis.legend(loc="lower right", fontsize=8)
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
