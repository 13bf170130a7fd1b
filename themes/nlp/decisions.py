"""From scores per passage to the labels of a passage or a whole document.

Every decision here is made on numbers the trained model carries (``Calibration``, fitted on the
corpus's dev split by ``themes.nlp.training``), not on constants chosen by hand:

- a passage is about a theme or objective when its score (the classifier's, mixed with the rule
  matches' and raised by an explicit "GCM objective 6") reaches that label's threshold;
- a document is about one when enough of its text supports it (the share of body words in
  supporting passages) or its title and abstract do; at most a few labels per family, as a
  publisher would give; an off-topic document (the gate) gets none;
- a country named in a passage is a country of that passage; in a whole document, a country only
  named in passing (in a list of several, once in the body) is a suggestion, not an applied tag.

Scores come out normalised so that the decision boundary of every label is BOUNDARY (0.5): the
service applies what reaches settings.TAGGER_APPLY_THRESHOLD (0.5 by default) and shows the rest
from TAGGER_SHOW_THRESHOLD up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from themes.nlp.passages import Segment

BOUNDARY = 0.5
#: A text this short (title and abstract included) is judged as a passage, not a document.
PASSAGE_WORDS = 200
#: Below the boundary, an off-topic document's theme and objective scores are scaled by this.
GATED_FACTOR = 0.4
#: Just under the boundary: what a label ranked beyond the family's cap is lowered to.
BELOW = 0.49
#: A title or abstract shorter than this many words says too little to score themes and objectives.
MIN_HEAD_WORDS = 8
#: Countries named within this many characters of each other form a list ("Nepal, India and Bhutan").
LIST_GAP = 40


@dataclass
class Calibration:
    """The fitted numbers behind every decision (stored as JSON with the model)."""

    thresholds: dict[str, float] = field(default_factory=dict)  # classifier label -> passage threshold
    default_threshold: float = 0.3
    rule_weight: float = 0.2  # share of the rule score in a passage's score
    title_weight: float = 0.4  # share of title and abstract in a document's score
    coverage_ref: float = 0.2  # share of body words that fully supports a label
    top_floor: float = 0.35  # an on-topic document's best objective is applied from this score up
    passage_gate: float = 0.5  # topic score under which a passage gets no theme or objective
    document_gate: float = 0.3  # topic score under which a document gets none
    max_labels: dict[str, int] = field(default_factory=lambda: {"theme": 3, "gcm_objective": 3})
    country_min_passages: int = 2  # body passages that name a country (outside lists) to apply it
    country_min_share: float = 0.25  # or this share of the document's country mentions

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def normalise(score: float, threshold: float) -> float:
    """Map a raw score so that ``threshold`` lands on BOUNDARY (piecewise linear, 0 -> 0, 1 -> 1)."""
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if score < threshold:
        return BOUNDARY * score / threshold
    return BOUNDARY + (1 - BOUNDARY) * (score - threshold) / (1 - threshold)


def passage_score(model: float, rule: float, explicit: bool, calibration: Calibration) -> float:
    """A passage's raw score for one label: the classifier's, mixed with the rules'; an explicit reference wins."""
    score = (1 - calibration.rule_weight) * model + calibration.rule_weight * rule
    return max(score, 0.95) if explicit else score


def is_passage(segments: Sequence[Segment]) -> bool:
    """True when the text is judged as one passage: short (title and abstract included) and on one page at most."""
    pages = {s.page for s in segments if s.where == "body"}
    return len(pages) <= 1 and sum(s.words for s in segments) <= PASSAGE_WORDS


@dataclass
class LabelScore:
    """The decision about one label: its normalised score and the segments that support it, best first."""

    score: float
    support: list[int]


def topic_score(segments: Sequence[Segment], topic: Sequence[float], calibration: Calibration) -> float:
    """How much of the text is about labour migration at all (0-1), from the classifier's gate label."""
    if not segments:
        return 0.0
    if is_passage(segments):
        return max(topic)
    head = [t for s, t in zip(segments, topic, strict=True) if s.where != "body"]
    body = [(s.words, t) for s, t in zip(segments, topic, strict=True) if s.where == "body"]
    words = sum(w for w, _ in body)
    share = sum(w for w, t in body if t >= 0.5) / words if words else 0.0
    if not body:
        return max(head)
    if not head:
        return share
    return calibration.title_weight * max(head) + (1 - calibration.title_weight) * share


@dataclass(frozen=True)
class LabelParts:
    """What a label's document score is made of, before the calibrated weights combine it."""

    passage: bool
    best: float  # best normalised passage score (body, or all for a passage)
    head: float | None  # best of title and abstract, None without them
    coverage: float | None  # share of body words in supporting passages, None without a body
    support: list[int]


def label_parts(segments: Sequence[Segment], raw: Sequence[float], threshold: float) -> LabelParts:
    """The parts of one label's score (see label_score) from its passages' raw scores."""
    values = np.asarray(raw, dtype=float)
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    z = np.where(values < t, BOUNDARY * values / t, BOUNDARY + (1 - BOUNDARY) * (values - t) / (1 - t))
    support = [int(i) for i in np.argsort(-values, kind="stable")[:3] if values[i] >= threshold / 2]
    shape = _shape(segments)
    # A head of a few words (a title with no abstract) is too short for the classifier to judge.
    readable = shape.head & (shape.words >= MIN_HEAD_WORDS)
    if shape.passage:
        usable = shape.body | readable
        if not usable.any():
            return LabelParts(True, 0.0, None, None, [])
        return LabelParts(True, float(z[usable].max()), None, None, [i for i in support if usable[i]])
    head = float(z[readable].max()) if readable.any() else None
    support = [i for i in support if not shape.head[i] or readable[i]]
    if not shape.body.any() or not shape.body_words:
        return LabelParts(False, 0.0, head, None, support)
    supported = shape.body & (values >= threshold)
    coverage = float(shape.words[supported].sum()) / shape.body_words
    return LabelParts(False, float(z[shape.body].max()), head, coverage, support)


def combine(parts: LabelParts, calibration: Calibration) -> LabelScore:
    """A label's normalised score: a passage's best; a document's title and body support, weighted."""
    if parts.passage:
        return LabelScore(parts.best, parts.support)
    if parts.coverage is None:
        return LabelScore(parts.head or 0.0, parts.support)
    body = parts.best * min(1.0, parts.coverage / calibration.coverage_ref) if parts.coverage else parts.best * BOUNDARY
    if parts.head is None:
        return LabelScore(body, parts.support)
    return LabelScore(calibration.title_weight * parts.head + (1 - calibration.title_weight) * body, parts.support)


def label_score(
    segments: Sequence[Segment], raw: Sequence[float], threshold: float, calibration: Calibration
) -> LabelScore:
    """A document's (or passage's) normalised score for one label from its passages' raw scores."""
    return combine(label_parts(segments, raw, threshold), calibration)


@dataclass(frozen=True)
class _Shape:
    passage: bool
    head: np.ndarray
    body: np.ndarray
    words: np.ndarray
    body_words: int


_SHAPES: dict[int, tuple[Sequence[Segment], _Shape]] = {}


def _shape(segments: Sequence[Segment]) -> _Shape:
    """Where the title, abstract and body passages are, and their lengths (kept for the last few documents)."""
    cached = _SHAPES.get(id(segments))
    if cached is not None and cached[0] is segments:
        return cached[1]
    body = np.array([s.where == "body" for s in segments], dtype=bool)
    words = np.array([s.words for s in segments], dtype=float)
    shape = _Shape(is_passage(segments), ~body, body, words, int(words[body].sum()))
    if len(_SHAPES) > 512:
        _SHAPES.clear()
    _SHAPES[id(segments)] = (segments, shape)
    return shape


def rank_and_cap(scores: dict[str, LabelScore], cap: int, *, gated: bool, floor: float | None) -> dict[str, LabelScore]:
    """Keep at most ``cap`` labels above the boundary; gate an off-topic text; apply the best when it is close."""
    if gated:
        return {k: LabelScore(v.score * GATED_FACTOR, v.support) for k, v in scores.items()}
    ranked = sorted(scores, key=lambda k: -scores[k].score)
    result = dict(scores)
    for position, key in enumerate(ranked):
        if position >= cap and result[key].score >= BOUNDARY:
            result[key] = LabelScore(BELOW, scores[key].support)
    if floor is not None and ranked and floor <= result[ranked[0]].score < BOUNDARY:
        result[ranked[0]] = LabelScore(BOUNDARY, scores[ranked[0]].support)
    return result


@dataclass
class CountryEvidence:
    """Where a country is named: in the title or abstract, in which body passages, and in how many lists."""

    head: bool = False
    passages: set[int] = field(default_factory=set)
    listed: set[int] = field(default_factory=set)
    mentions: int = 0


def country_scores(
    segments: Sequence[Segment],
    mentions: Mapping[str, list[tuple[int, int]]],
    calibration: Calibration,
) -> dict[str, LabelScore]:
    """Countries: every one named in a passage; in a document, those it is about (see the module docstring).

    ``mentions`` maps a country code to (segment index, character offset) of each mention; a mention
    within LIST_GAP characters of another country's is part of a list.
    """
    if not mentions:
        return {}
    if is_passage(segments):
        return {code: LabelScore(1.0, sorted({i for i, _ in found})[:3]) for code, found in mentions.items()}
    by_segment: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for code, found in mentions.items():
        for index, position in found:
            by_segment[index].append((position, code))
    evidence: dict[str, CountryEvidence] = defaultdict(CountryEvidence)
    for index, items in by_segment.items():
        items.sort()
        for n, (position, code) in enumerate(items):
            neighbours = {c for p, c in items[max(0, n - 1) : n + 2] if c != code and abs(p - position) <= LIST_GAP}
            found = evidence[code]
            found.mentions += 1
            if segments[index].where != "body":
                found.head = True
            elif neighbours:
                found.listed.add(index)
            else:
                found.passages.add(index)
    total = sum(e.mentions for e in evidence.values()) or 1
    result: dict[str, LabelScore] = {}
    for code, found in evidence.items():
        share = found.mentions / total
        strength = max(len(found.passages) / calibration.country_min_passages, share / calibration.country_min_share)
        about = found.head or strength >= 1.0
        score = BOUNDARY + (1 - BOUNDARY) * min(1.0, strength / 2) if about else min(BELOW, 0.2 + 0.29 * strength)
        support = sorted(found.passages | found.listed)[:3]
        if found.head:
            support = [i for i, s in enumerate(segments) if s.where != "body" and i in by_segment][:1] + support[:2]
        result[code] = LabelScore(score, support)
    return result
