"""Training the tagger: the classifier on the corpus's train split, the decisions calibrated on dev.

``fit`` is deterministic: the same corpus, extra examples and settings give the same weights and
the same calibration. What is fitted where:

- classifier weights: train passages (plus any extra examples, e.g. editors' decisions);
- each label's passage threshold, the rules' share and the passage gate: dev passages;
- the document decisions (title weight, coverage, caps, floor, country rules, the gate): train and
  dev documents, which the classifier never saw (it learns from passages only).

The test split is never read here.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from themes.nlp.classifier import (
    GCM_PREFIX,
    THEME_PREFIX,
    TOPIC_LABEL,
    TrainedModel,
    TrainingExample,
    TrainingSettings,
    label_of,
    train,
)
from themes.nlp.corpus import Corpus, Document, Labels, Passage
from themes.nlp.decisions import BOUNDARY, Calibration, is_passage, topic_score
from themes.nlp.tagger import Analysis, Tagger, get_tagger
from themes.nlp.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

THRESHOLD_GRID = [round(0.05 + 0.025 * i, 3) for i in range(37)]  # 0.05 .. 0.95
RULE_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
#: Labels with few dev examples borrow their threshold from the family's (this many pseudo-examples).
SHRINK = 8
#: Thresholds are chosen for the best F-beta with this beta (under 1: precision counts more).
PRECISION_BETA = 0.5
#: At least this share of off-topic documents must be gated.
OFF_TOPIC_TARGET = 0.95


#: A label needs this many positive training passages to be learned; rarer ones (a theme editors just
#: added) are left to the rules.
MIN_POSITIVES = 5


def classifier_labels(vocabulary: Vocabulary, passages: Iterable[Passage] = ()) -> list[str]:
    """The labels the classifier learns: the vocabulary's themes and objectives with enough examples, and the gate."""
    positives: dict[str, int] = {}
    for passage in passages:
        for slug in passage.labels.themes:
            positives[label_of("theme", slug)] = positives.get(label_of("theme", slug), 0) + 1
        for number in passage.labels.gcm_objectives:
            positives[label_of("gcm", number)] = positives.get(label_of("gcm", number), 0) + 1
    candidates = [label_of("theme", t.slug) for t in sorted(vocabulary.themes, key=lambda t: t.slug)] + [
        label_of("gcm", str(o.number)) for o in sorted(vocabulary.objectives, key=lambda o: o.number)
    ]
    return [label for label in candidates if positives.get(label, 0) >= MIN_POSITIVES] + [TOPIC_LABEL]


def off_topic_examples(documents: Iterable[Document], names: Sequence[str]) -> list[TrainingExample]:
    """Every passage of the off-topic documents: about nothing the hub tags (teaches the gate)."""
    from themes.nlp.passages import segments

    nothing = cats_of(Labels(), True, names)
    return [
        TrainingExample(segment.text, nothing, source="off-topic document")
        for document in documents
        if document.off_topic
        for segment in segments(list(document.pages), document.title, document.abstract)
    ]


def cats_of(labels: Labels, off_topic: bool, names: Sequence[str]) -> dict[str, float]:
    """The classifier's targets for an item with these gold labels (every label known: 1.0 or 0.0)."""
    cats = dict.fromkeys(names, 0.0)
    for slug in labels.themes:
        cats[label_of("theme", slug)] = 1.0
    for number in labels.gcm_objectives:
        cats[label_of("gcm", number)] = 1.0
    cats[TOPIC_LABEL] = 0.0 if off_topic else 1.0
    return {k: v for k, v in cats.items() if k in names}


def corpus_examples(passages: Iterable[Passage], names: Sequence[str]) -> list[TrainingExample]:
    """Training examples from labelled passages."""
    return [TrainingExample(p.text, cats_of(p.labels, p.off_topic, names)) for p in passages]


def fit(
    corpus: Corpus,
    vocabulary: Vocabulary,
    *,
    extra_examples: Sequence[TrainingExample] = (),
    settings: TrainingSettings | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> TrainedModel:
    """Train the classifier and calibrate every decision (see the module docstring)."""
    names = classifier_labels(vocabulary, corpus.passages_in("train"))
    examples = (
        corpus_examples(corpus.passages_in("train"), names)
        + off_topic_examples(corpus.documents_in("train"), names)
        + list(extra_examples)
    )
    classifier = train(
        examples,
        names,
        settings,
        progress=(lambda done, total: progress("training", done, total)) if progress else None,
    )
    model = TrainedModel(classifier=classifier, calibration=Calibration())
    model.calibration = calibrate(
        model, get_tagger(vocabulary), corpus.passages_in("dev"), corpus.documents_in("train", "dev"), progress
    )
    return model


# --- calibration ---------------------------------------------------------------------------------


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def _best_threshold(scored: Sequence[tuple[float, bool]], beta: float = 1.0) -> tuple[float, float, int]:
    """The threshold with the best F-beta over (score, is gold) pairs; (threshold, F-beta, positives).

    A beta under 1 weighs precision more than recall: a wrong tag misleads every facet that counts
    it, a missing one is only a result not found.
    """
    positives = sum(gold for _s, gold in scored)
    best = (0.5, -1.0)
    for threshold in THRESHOLD_GRID:
        tp = sum(1 for s, gold in scored if gold and s >= threshold)
        fp = sum(1 for s, gold in scored if not gold and s >= threshold)
        score = _f_beta(tp, fp, positives - tp, beta)
        if score > best[1]:
            best = (threshold, score)
    return best[0], best[1], positives


def _passage_raw(analysis: Analysis, family: str, code: str, calibration: Calibration) -> float:
    return max(analysis.raw_scores(family, code, calibration), default=0.0)


def calibrate(
    model: TrainedModel,
    tagger: Tagger,
    dev_passages: Sequence[Passage],
    documents: Sequence[Document],
    progress: Callable[[str, int, int], None] | None = None,
) -> Calibration:
    """Fit the passage thresholds, the rules' share and the gates, then the document decisions."""
    passages = [tagger.analyse([p.text], "", "", model) for p in dev_passages]
    if progress:
        progress("calibrating passages", len(passages), len(passages))
    labels = [(f, c) for f in ("theme", "gcm_objective") for c in tagger._codes(f)]
    best: tuple[float, Calibration] | None = None
    for rule_weight in RULE_WEIGHTS:
        calibration = Calibration(rule_weight=rule_weight)
        family_pairs: dict[str, list[tuple[float, bool]]] = {"theme": [], "gcm_objective": []}
        per_label: dict[tuple[str, str], list[tuple[float, bool]]] = {}
        for family, code in labels:
            pairs = [
                (_passage_raw(a, family, code, calibration), code in p.labels.of(family))
                for a, p in zip(passages, dev_passages, strict=True)
            ]
            per_label[(family, code)] = pairs
            family_pairs[family].extend(pairs)
        family_threshold = {family: _best_threshold(pairs, PRECISION_BETA)[0] for family, pairs in family_pairs.items()}
        thresholds = {}
        for (family, code), pairs in per_label.items():
            own, _score, positives = _best_threshold(pairs, PRECISION_BETA)
            shrunk = (positives * own + SHRINK * family_threshold[family]) / (positives + SHRINK)
            thresholds[label_of("theme" if family == "theme" else "gcm", code)] = round(shrunk, 4)
        calibration = replace(calibration, thresholds=thresholds, default_threshold=family_threshold["gcm_objective"])
        calibration = replace(calibration, passage_gate=_passage_gate(tagger, passages, dev_passages, calibration))
        score = _micro_f1(tagger, passages, dev_passages, calibration)
        logger.info("calibration: rule weight %.1f gives passage F1 %.3f", rule_weight, score)
        if best is None or score > best[0]:
            best = (score, calibration)
    assert best is not None
    return _calibrate_documents(tagger, model, best[1], documents, progress)


def _applied(tagger: Tagger, analysis: Analysis, calibration: Calibration) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"country": set(), "theme": set(), "gcm_objective": set()}
    for suggestion in tagger.decide(analysis, calibration, BOUNDARY, evidence=False):
        found[suggestion.family].add(suggestion.code)
    return found


def _micro_f1(
    tagger: Tagger,
    analyses: Sequence[Analysis],
    items: Sequence[Passage | Document],
    calibration: Calibration,
    families: Sequence[str] = ("theme", "gcm_objective"),
) -> float:
    tp = fp = fn = 0
    for analysis, item in zip(analyses, items, strict=True):
        found = _applied(tagger, analysis, calibration)
        for family in families:
            gold, predicted = item.labels.of(family), found[family]
            tp += len(gold & predicted)
            fp += len(predicted - gold)
            fn += len(gold - predicted)
    return _f1(tp, fp, fn)


def _passage_gate(
    tagger: Tagger, analyses: Sequence[Analysis], passages: Sequence[Passage], calibration: Calibration
) -> float:
    """The topic score under which a passage gets no theme or objective: the one with the best F1."""
    options = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    return max(options, key=lambda g: _micro_f1(tagger, analyses, passages, replace(calibration, passage_gate=g)))


def _calibrate_documents(
    tagger: Tagger,
    model: TrainedModel,
    calibration: Calibration,
    documents: Sequence[Document],
    progress: Callable[[str, int, int], None] | None,
) -> Calibration:
    """Fit the document decisions on documents the classifier never saw."""
    if not documents:
        return calibration
    analyses = []
    for number, document in enumerate(documents, start=1):
        analyses.append(tagger.analyse(list(document.pages), document.title, document.abstract, model))
        if progress:
            progress("reading calibration documents", number, len(documents))
    grid = list(
        itertools.product((0.2, 0.35, 0.5, 0.65), (0.05, 0.1, 0.2, 0.35), (0.25, 0.35, 0.45, 1.0), (2, 3), (2, 3))
    )
    best: tuple[float, Calibration] = (-1.0, calibration)
    for number, (title_weight, coverage_ref, top_floor, gcm_cap, theme_cap) in enumerate(grid, start=1):
        candidate = replace(
            calibration,
            title_weight=title_weight,
            coverage_ref=coverage_ref,
            top_floor=top_floor,
            max_labels={"theme": theme_cap, "gcm_objective": gcm_cap},
        )
        # The gate goes with the title weight (it weighs the topic score too); off-topic documents are
        # scored with the rest, so a setting that tags them loses.
        candidate = replace(candidate, document_gate=_document_gate(analyses, documents, candidate))
        score = _micro_f1(tagger, analyses, documents, candidate)
        if score > best[0]:
            best = (score, candidate)
        if progress:
            progress("calibrating documents", number, len(grid))
    calibration = best[1]
    countries = max(
        itertools.product((1, 2, 3), (0.1, 0.2, 0.3, 0.5)),
        key=lambda pc: _micro_f1(
            tagger,
            analyses,
            documents,
            replace(calibration, country_min_passages=pc[0], country_min_share=pc[1]),
            families=("country",),
        ),
    )
    calibration = replace(calibration, country_min_passages=countries[0], country_min_share=countries[1])
    logger.info("calibration: documents %s", calibration.to_json() | {"thresholds": "..."})
    return calibration


def _document_gate(analyses: Sequence[Analysis], documents: Sequence[Document], calibration: Calibration) -> float:
    """Just above what OFF_TOPIC_TARGET of the off-topic documents score on the topic label.

    Documents judged as passages (one short text) use the passage gate instead, so they are left out.
    """
    scores = sorted(
        topic_score(a.segments, [row.get(TOPIC_LABEL, 1.0) for row in a.scores], calibration)
        for a, d in zip(analyses, documents, strict=True)
        if d.off_topic and not is_passage(a.segments)
    )
    if not scores:
        return calibration.document_gate
    index = min(len(scores) - 1, int(OFF_TOPIC_TARGET * len(scores)))
    return round(min(0.9, scores[index] + 0.01), 4)


__all__ = [
    "GCM_PREFIX",
    "THEME_PREFIX",
    "calibrate",
    "cats_of",
    "classifier_labels",
    "corpus_examples",
    "fit",
]
