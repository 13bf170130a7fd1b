"""The trained tagger model: training it, installing it only when it is no worse, and loading it.

Models live in the database (themes.TaggerModel), so every worker on every machine uses the same
active one. ``train_and_install`` trains on the corpus plus editors' accepted and rejected
suggestions, scores the new model and the active one on the dev split, and installs the new one
only when it scores at least as well. ``active_model`` loads the active model once per process and
notices when another is installed; when none has ever been trained it trains and installs the
base model (the corpus alone), so a fresh installation never tags with rules alone.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from themes.models import TagDecision, TaggerModel, TagSuggestion
from themes.nlp.classifier import Classifier, TrainedModel, TrainingExample, TrainingSettings, label_of
from themes.nlp.corpus import Corpus, load_corpus
from themes.nlp.decisions import Calibration
from themes.nlp.model_files import base_model_key, read_cached, write_cached
from themes.nlp.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

#: The figures compared before a new model is installed (F1 on the dev split).
SCORE_KEYS = (
    ("passages", "themes"),
    ("passages", "gcm_objectives"),
    ("documents", "themes"),
    ("documents", "gcm_objectives"),
)
Progress = Callable[[str, int, int], None]

_LOCK = threading.Lock()
_LOADED: dict[tuple[int, str], TrainedModel] = {}


class NoCorpus(Exception):
    """The labelled corpus is missing or broken, so no model can be trained."""


def _corpus_dir() -> Path:
    from django.conf import settings

    return Path(settings.TAGGER_CORPUS_DIR)


# --- loading ---------------------------------------------------------------------------------------


def load(row: TaggerModel) -> TrainedModel:
    """The TrainedModel a TaggerModel row holds."""
    classifier = Classifier.from_bytes(bytes(row.weights), row.config)
    return TrainedModel(classifier=classifier, calibration=Calibration.from_json(row.calibration), version=row.version)


def active_model(*, train_if_missing: bool = True, progress: Progress | None = None) -> TrainedModel | None:
    """The active model (loaded once per process); installs the base model if there is none.

    The base model (the corpus alone) is taken from the file cache when this code and corpus
    trained it before (settings.TAGGER_CACHE_DIR), and trained otherwise (about a minute).
    """
    row = TaggerModel.objects.filter(active=True).only("pk", "version").first()
    if row is None:
        if not train_if_missing:
            return None
        install_base_model(progress=progress)
        row = TaggerModel.objects.filter(active=True).only("pk", "version").first()
        if row is None:
            raise RuntimeError("Installing the base tagger model failed.")
    key = (row.pk, row.version)  # the version too: a rolled-back row's id can come back
    with _LOCK:
        model = _LOADED.get(key)
        if model is None:
            model = load(TaggerModel.objects.get(pk=row.pk))
            _LOADED.clear()  # one model in memory at a time
            _LOADED[key] = model
        return model


# --- the base model and its file cache ---------------------------------------------------------------


def install_base_model(progress: Progress | None = None) -> InstallReport:
    """Install the model trained on the corpus alone: from the file cache, or trained now and cached."""
    from django.conf import settings as django_settings

    vocabulary = Vocabulary.from_db()
    try:
        corpus = load_corpus(_corpus_dir(), themes={t.slug for t in vocabulary.themes})
    except ValueError as exc:
        raise NoCorpus(str(exc)) from exc
    training = TrainingSettings()
    key = base_model_key(corpus, training, vocabulary)
    folder = Path(django_settings.TAGGER_CACHE_DIR)
    cached = read_cached(folder, key)
    if cached is not None:
        meta, weights = cached
        try:
            with transaction.atomic():
                TaggerModel.objects.filter(active=True).update(active=False)
                TaggerModel.objects.create(active=True, weights=weights, **meta)
            logger.info("Installed the base tagger model %s from the cache in %s", meta["version"], folder)
            return InstallReport(installed=True, reason="installed from the cache", version=meta["version"])
        except (KeyError, TypeError) as exc:
            logger.warning("The cached tagger model %s cannot be used (%s); training it again", key, exc)
    logger.warning("No trained tagger model yet: training the base model from the corpus (about a minute).")
    report = train_and_install(
        include_feedback=False, force=True, settings=training, corpus=corpus, vocabulary=vocabulary, progress=progress
    )
    row = TaggerModel.objects.filter(active=True).first()
    if row is not None:
        meta = {
            "version": row.version,
            "config": row.config,
            "settings": row.settings,
            "calibration": row.calibration,
            "corpus_fingerprint": row.corpus_fingerprint,
            "dev_scores": row.dev_scores,
            "note": "base model",
        }
        try:
            write_cached(folder, key, meta, bytes(row.weights))
        except OSError as exc:
            logger.warning("Could not cache the tagger model in %s: %s", folder, exc)
    return report


# --- editors' decisions as examples ---------------------------------------------------------------


def feedback_examples(known: Sequence[str]) -> list[TrainingExample]:
    """Editors' accepted and rejected themes and objectives, as passages labelled for that one label.

    The evidence passages the tagger showed for a label are what the editor judged: an accepted
    label makes them positive examples of it, a rejected one negative (nothing is said about other
    labels, which stay unknown). A page's title and abstract are an example too.
    """
    from themes.services.pages import taggable_page, tagging_input

    examples: list[TrainingExample] = []
    decisions = TagDecision.objects.filter(family__in=("theme", "gcm_objective")).order_by("pk")
    evidence = {
        (s.page_id, s.family, s.code): s.evidence
        for s in TagSuggestion.objects.filter(family__in=("theme", "gcm_objective")).only(
            "page_id", "family", "code", "evidence"
        )
    }
    heads: dict[int, str] = {}
    for decision in decisions:
        label = label_of("theme" if decision.family == "theme" else "gcm", decision.code)
        if label not in known:
            continue
        value = 1.0 if decision.decision == TagDecision.Decision.ACCEPTED else 0.0
        for item in evidence.get((decision.page_id, decision.family, decision.code), []):
            text = (item or {}).get("text", "")
            if text and not (item or {}).get("embargoed"):
                examples.append(TrainingExample(text, {label: value}, source=f"decision {decision.pk}"))
        if decision.page_id not in heads:
            try:
                inputs = tagging_input(taggable_page(decision.page_id))
                heads[decision.page_id] = f"{inputs.title}\n{inputs.abstract}".strip()
            except Exception:  # the page is gone or no longer taggable
                heads[decision.page_id] = ""
        if heads[decision.page_id]:
            examples.append(TrainingExample(heads[decision.page_id], {label: value}, source=f"decision {decision.pk}"))
    return examples


# --- training and installing ---------------------------------------------------------------------


@dataclass
class InstallReport:
    """What a training run produced and whether it was installed."""

    installed: bool
    reason: str
    version: str = ""
    feedback_examples: int = 0
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def dev_scores(model: TrainedModel, corpus: Corpus, vocabulary: Vocabulary) -> dict[str, Any]:
    """F1 (and precision, recall) per family on the dev split, passages and documents."""
    from themes.evaluation import evaluate_documents, evaluate_passages

    scores: dict[str, Any] = {}
    for report in (
        evaluate_passages(corpus.passages_in("dev"), vocabulary, model),
        evaluate_documents(corpus.documents_in("dev"), vocabulary, model),
    ):
        data = report.as_dict()
        scores[report.kind] = {
            key: {m: round(values[m], 4) for m in ("precision", "recall", "f1")}
            for key, values in data["families"].items()
        }
    return scores


def overall(scores: dict[str, Any]) -> float:
    """The one figure two models are compared on: the mean dev F1 of themes and objectives."""
    values = [scores.get(kind, {}).get(family, {}).get("f1") for kind, family in SCORE_KEYS]
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else 0.0


def _version(classifier_bytes: bytes, calibration: dict[str, Any]) -> str:
    digest = hashlib.sha256(classifier_bytes)
    digest.update(repr(sorted(calibration.items())).encode())
    return digest.hexdigest()[:16]


def train_and_install(
    *,
    include_feedback: bool = True,
    force: bool = False,
    dry_run: bool = False,
    settings: TrainingSettings | None = None,
    corpus: Corpus | None = None,
    vocabulary: Vocabulary | None = None,
    progress: Progress | None = None,
) -> InstallReport:
    """Train a model (corpus + editors' decisions) and install it unless it scores worse than the active one."""
    from themes.nlp.training import classifier_labels, fit

    vocabulary = vocabulary or Vocabulary.from_db()
    if corpus is None:
        try:
            corpus = load_corpus(_corpus_dir(), themes={t.slug for t in vocabulary.themes})
        except ValueError as exc:
            raise NoCorpus(str(exc)) from exc
    settings = settings or TrainingSettings()
    names = classifier_labels(vocabulary, corpus.passages_in("train"))
    extra = feedback_examples(names) if include_feedback else []
    model = fit(corpus, vocabulary, extra_examples=extra, settings=settings, progress=progress)
    after = dev_scores(model, corpus, vocabulary)
    current_row = TaggerModel.objects.filter(active=True).first()
    before = dev_scores(load(current_row), corpus, vocabulary) if current_row is not None else {}
    weights = model.classifier.to_bytes()
    calibration = model.calibration.to_json()
    version = _version(weights, calibration)
    report = InstallReport(
        installed=False, reason="", version=version, feedback_examples=len(extra), before=before, after=after
    )
    if before and overall(after) < overall(before) and not force:
        report.reason = (
            f"the new model scores worse on the dev split ({overall(after):.3f} against {overall(before):.3f}); "
            "the active model is kept"
        )
        return report
    if dry_run:
        report.reason = "dry run: nothing installed"
        return report
    with transaction.atomic():
        TaggerModel.objects.filter(active=True).update(active=False)
        TaggerModel.objects.create(
            active=True,
            version=version,
            config=model.classifier.config,
            settings=asdict(settings),
            calibration=calibration,
            weights=weights,
            corpus_fingerprint=corpus.fingerprint,
            feedback_examples=len(extra),
            dev_scores=after,
            note="forced" if force and before and overall(after) < overall(before) else "",
        )
    report.installed = True
    report.reason = "installed" if not before else f"installed: {overall(after):.3f} against {overall(before):.3f}"
    logger.info("Tagger model %s installed (%s)", version, report.reason)
    return report
