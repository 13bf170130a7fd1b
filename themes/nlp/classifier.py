"""The trained part of the tagger: a spaCy ``textcat_multilabel`` over lemma n-grams.

One component scores every theme, every GCM objective and whether a passage is about labour
migration at all (the off-topic gate), from the lemmas the shared pipeline already computes:
binary unigram and bigram features, hashed into a sparse linear layer with a logistic output
(``salam.LemmaBOW.v1``, spaCy's bag-of-words classifier on lemmas instead of spellings, so
"Recruitment Fees" and "recruitment fee" are one feature). It is small, needs no vectors, and
runs at tokenizer speed. Training is reproducible: a fixed seed, a fixed order, no dropout.
"""

from __future__ import annotations

import logging
import random
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch, registry
from thinc.api import Adam, Logistic, Model, SparseLinear_v2, chain, fix_random_seed, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted

from themes.nlp.spacy_pipeline import _LOCK, pipeline

logger = logging.getLogger(__name__)

THEME_PREFIX, GCM_PREFIX = "theme:", "gcm:"
#: The gate: 1.0 when a text is about labour migration, 0.0 when it is not.
TOPIC_LABEL = "topic:migration"
_NEG_VALUE = -5000.0  # the bias new output rows start with when labels are added later


def label_of(family: str, code: str) -> str:
    """The classifier's label name for a tagger label ("theme", "remittances") -> "theme:remittances"."""
    return (THEME_PREFIX if family == "theme" else GCM_PREFIX) + str(code)


def family_and_code(label: str) -> tuple[str, str] | None:
    """The tagger label a classifier label stands for, or None for the gate."""
    if label.startswith(THEME_PREFIX):
        return "theme", label[len(THEME_PREFIX) :]
    if label.startswith(GCM_PREFIX):
        return "gcm_objective", label[len(GCM_PREFIX) :]
    return None


# --- the model ---------------------------------------------------------------------------------


def lemma_features(ngram_size: int, norm_floor: int = 1) -> Model:
    """Docs -> the (keys, values, lengths) SparseLinear reads: each distinct lemma n-gram once.

    Punctuation and spaces are skipped; values are 1/sqrt(number of features), so a long passage
    does not outvote a short one by its length alone, but never more than 1/sqrt(norm_floor): a
    sentence of a few words is weaker evidence than a paragraph, and should score as such.
    """

    def forward(model: Model, docs: Sequence[Doc], is_train: bool):
        keys_per_doc, values_per_doc = [], []
        for doc in docs:
            array = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
            words = array[(array[:, 1] == 0) & (array[:, 2] == 0), 0].astype("uint64")
            grams = [words] + [model.ops.ngrams(n, words) for n in range(2, ngram_size + 1) if len(words) >= n]
            keys = np.unique(np.concatenate(grams)) if len(words) else np.zeros((0,), dtype="uint64")
            keys_per_doc.append(keys)
            values_per_doc.append(np.full(len(keys), 1.0 / np.sqrt(max(norm_floor, len(keys))), dtype="float32"))
        lengths = model.ops.asarray([len(k) for k in keys_per_doc], dtype="int32")
        keys = np.concatenate(keys_per_doc) if keys_per_doc else np.zeros((0,), dtype="uint64")
        values = np.concatenate(values_per_doc) if values_per_doc else np.zeros((0,), dtype="float32")
        return (keys, values, lengths), lambda d_output: []

    return Model("salam_lemma_features", forward, attrs={"ngram_size": ngram_size, "norm_floor": norm_floor})


@registry.architectures("salam.LemmaBOW.v1")
def lemma_bow(ngram_size: int = 1, length: int = 2**15, norm_floor: int = 1, nO: int | None = None) -> Model:
    """spaCy's bag-of-words text classifier (multi-label) over lemma n-grams."""
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    with Model.define_operators({">>": chain}):
        resizable_layer = resizable(
            sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults={"b": _NEG_VALUE, "W": 0})
        )
        model = with_cpu(lemma_features(ngram_size, norm_floor) >> resizable_layer, resizable_layer.ops)
        output = Logistic()
        model = model >> with_cpu(output, output.ops)
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = True
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


@dataclass(frozen=True)
class TrainingSettings:
    """Everything that decides the trained weights (with the examples and their order)."""

    seed: int = 13
    epochs: int = 20
    learn_rate: float = 0.01
    batch_size: int = 32
    ngram_size: int = 1
    length: int = 2**15
    #: Examples of rare labels are repeated up to this many times, so every label is learned.
    max_oversampling: int = 4
    #: Texts with fewer distinct words than this weigh each word as if they had this many.
    norm_floor: int = 100

    def model_config(self) -> dict[str, Any]:
        return {
            "@architectures": "salam.LemmaBOW.v1",
            "ngram_size": self.ngram_size,
            "length": self.length,
            "norm_floor": self.norm_floor,
        }


@dataclass(frozen=True)
class TrainingExample:
    """A text and its known labels (1.0 / 0.0); a label left out is unknown, not negative."""

    text: str
    cats: Mapping[str, float]
    source: str = "corpus"


@dataclass
class Classifier:
    """A trained textcat_multilabel component and the labels it scores."""

    component: Any
    labels: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Iterable[str]) -> list[dict[str, float]]:
        """Scores (0-1) for every label, one dict per text."""
        docs = lemmatized_docs(texts)
        return self.predict_docs(docs)

    def predict_docs(self, docs: list[Doc]) -> list[dict[str, float]]:
        """Scores for docs that already carry the shared pipeline's lemmas."""
        if not docs:
            return []
        scores = self.component.model.predict(docs)
        rows = self.component.model.ops.to_numpy(scores)
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in rows]

    def to_bytes(self) -> bytes:
        """The weights and labels, compressed (stored on TaggerModel)."""
        return zlib.compress(self.component.to_bytes(exclude=["vocab"]), 6)

    @classmethod
    def from_bytes(cls, data: bytes, config: Mapping[str, Any]) -> Classifier:
        """A classifier from to_bytes() output and the model config it was built with."""
        component = _new_component(dict(config))
        component.from_bytes(zlib.decompress(data), exclude=["vocab"])
        return cls(component=component, labels=tuple(component.labels), config=dict(config))


def _new_component(config: dict[str, Any]):
    nlp = spacy.blank("en")
    return nlp.add_pipe("textcat_multilabel", name="textcat", config={"model": config, "threshold": 0.5})


def lemmatized_docs(texts: Iterable[str]) -> list[Doc]:
    """The shared pipeline's docs (tokens and lemmas) for the texts."""
    with _LOCK:
        return list(pipeline().pipe(texts, batch_size=64))


def _oversampling(examples: Sequence[TrainingExample], cap: int) -> list[int]:
    """How many times to use each example: rarer positive labels are repeated, up to ``cap`` times."""
    counts: dict[str, int] = {}
    for example in examples:
        for label, value in example.cats.items():
            if value >= 0.5 and label != TOPIC_LABEL:
                counts[label] = counts.get(label, 0) + 1
    if not counts or cap <= 1:
        return [1] * len(examples)
    median = float(np.median(list(counts.values())))
    repeats = []
    for example in examples:
        rare = [median / counts[label] for label, v in example.cats.items() if v >= 0.5 and label in counts]
        repeats.append(int(min(cap, max(1, round(max(rare))))) if rare else 1)
    return repeats


def train(
    examples: Sequence[TrainingExample],
    labels: Sequence[str],
    settings: TrainingSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Classifier:
    """Train a classifier on the examples; the same examples and settings give the same weights."""
    settings = settings or TrainingSettings()
    fix_random_seed(settings.seed)
    component = _new_component(settings.model_config())
    for label in labels:
        component.add_label(label)
    docs = lemmatized_docs(example.text for example in examples)
    base = [
        Example.from_dict(doc, {"cats": {k: float(v) for k, v in example.cats.items() if k in component.labels}})
        for doc, example in zip(docs, examples, strict=True)
    ]
    repeated = [
        ex
        for ex, times in zip(base, _oversampling(examples, settings.max_oversampling), strict=True)
        for _ in range(times)
    ]
    component.initialize(lambda: repeated[:200], nlp=None, labels=list(labels))
    optimizer = Adam(settings.learn_rate, grad_clip=0.0, use_averages=False)
    order = random.Random(settings.seed)
    for epoch in range(settings.epochs):
        order.shuffle(repeated)
        for batch in minibatch(repeated, size=settings.batch_size):
            component.update(batch, sgd=optimizer, drop=0.0)
        if progress:
            progress(epoch + 1, settings.epochs)
    return Classifier(component=component, labels=tuple(component.labels), config=settings.model_config())


@dataclass
class TrainedModel:
    """What the tagger needs from training: the classifier and the calibration fitted with it."""

    classifier: Classifier
    calibration: Any  # themes.nlp.decisions.Calibration
    version: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return self.classifier.labels
