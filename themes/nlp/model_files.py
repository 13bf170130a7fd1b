"""The base model's file cache: the model trained on the corpus alone, keyed by everything it depends on.

A fresh database (a new installation, a test run, a benchmark) installs it from here in a moment
instead of training for a minute; any change to the corpus, the training settings, the vocabulary
or the tagger's own code gives a new key, so a stale model is never used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from themes.nlp.classifier import Classifier, TrainedModel, TrainingSettings
from themes.nlp.corpus import Corpus
from themes.nlp.decisions import Calibration
from themes.nlp.vocabulary import Vocabulary

_SOURCES = ("classifier.py", "corpus.py", "decisions.py", "passages.py", "tagger.py", "training.py", "patterns.py")


def base_model_key(corpus: Corpus, settings: TrainingSettings, vocabulary: Vocabulary) -> str:
    """What a base model depends on: the corpus, the settings, the vocabulary and the tagger's own code."""
    digest = hashlib.sha256(corpus.fingerprint.encode())
    digest.update(repr(asdict(settings)).encode())
    digest.update(vocabulary.fingerprint.encode())
    folder = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:24]


def _paths(folder: Path, key: str) -> tuple[Path, Path]:
    return folder / f"{key}.json", folder / f"{key}.weights"


def read_cached(folder: Path, key: str) -> tuple[dict[str, Any], bytes] | None:
    """(metadata, weights) of a cached model, or None when there is none (or it cannot be read)."""
    meta_path, weights_path = _paths(folder, key)
    try:
        return json.loads(meta_path.read_text()), weights_path.read_bytes()
    except (OSError, ValueError):
        return None


def write_cached(folder: Path, key: str, meta: dict[str, Any], weights: bytes) -> None:
    """Store a model in the cache (the weights first, so a reader never finds metadata without them)."""
    folder.mkdir(parents=True, exist_ok=True)
    meta_path, weights_path = _paths(folder, key)
    weights_path.write_bytes(weights)
    meta_path.write_text(json.dumps(meta))


def model_from(meta: dict[str, Any], weights: bytes) -> TrainedModel:
    """The TrainedModel stored as cache metadata and weights."""
    return TrainedModel(
        classifier=Classifier.from_bytes(weights, meta["config"]),
        calibration=Calibration.from_json(meta["calibration"]),
        version=meta["version"],
    )
