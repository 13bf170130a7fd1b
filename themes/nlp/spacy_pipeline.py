"""The shared spaCy pipeline: ``spacy.blank("en")`` plus a lowercase lookup lemmatizer.

spaCy's lookup lemmatizer (tables from spacy-lookups-data) is applied to the lowercase form of
every token in one vectorised step. The pipeline is built once per process and shared by the
compiled taggers, lemmatize() and lemmatize_many(); past MAX_STRINGS vocabulary strings it is
dropped, with the taggers compiled against it, and rebuilt on next use.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

if TYPE_CHECKING:
    from themes.nlp.tagger import Tagger

logger = logging.getLogger(__name__)

#: Past this many strings in spaCy's vocabulary the pipeline is rebuilt (bounds a worker's memory).
MAX_STRINGS = 2_000_000
_CHUNK_CHARS = 100_000
_BATCH_SIZE = 32


class LowercaseLookupLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer applied to each token's lowercase form, one array op per doc."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_lower: dict[int, int] | None = None

    def lookup_lemmatize(self, token: Any) -> list[str]:
        """The lowercase lemma of one token."""
        lower = token.lower_
        return [str(self.lookups.get_table("lemma_lookup", {}).get(lower, lower)).lower()]

    def lemma_map(self) -> dict[int, int]:
        """Hash of a lowercase form -> hash of its lowercase lemma (strings kept in the vocab)."""
        if self._by_lower is None:
            if not self._validated:
                self._validate_tables()
            add = self.vocab.strings.add
            table = self.lookups.get_table("lemma_lookup")
            self._by_lower = {key: add(str(value).lower()) for key, value in table.items()}
        return self._by_lower

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n:
            get = self.lemma_map().get
            lowers = doc.to_array(LOWER).tolist()
            lemmas = np.fromiter((get(h, h) for h in lowers), dtype=np.uint64, count=n)
            doc.from_array([LEMMA], lemmas.reshape(n, 1))
        return doc


@Language.factory("salam_lemmatizer", default_config={"mode": "lookup", "overwrite": True})
def make_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> LowercaseLookupLemmatizer:
    """Factory for the lowercase lookup lemmatizer."""
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


_LOCK = threading.RLock()
_NLP: Language | None = None
# Compiled taggers by vocabulary fingerprint, filled by tagger.get_tagger(). Their matchers
# belong to this pipeline's spaCy vocab, so _release_if_large() drops them with it.
_TAGGERS: OrderedDict[str, Tagger] = OrderedDict()


def pipeline() -> Language:
    """The shared tokenizer + lemmatizer pipeline (built once per process)."""
    global _NLP
    with _LOCK:
        if _NLP is None:
            nlp = spacy.blank("en")
            nlp.add_pipe("salam_lemmatizer", name="lemmatizer")
            spacy_logger = logging.getLogger("spacy")
            level = spacy_logger.level
            spacy_logger.setLevel(logging.WARNING)  # initialize() logs routine steps at INFO
            try:
                nlp.initialize()
            finally:
                spacy_logger.setLevel(level)
            nlp.get_pipe("lemmatizer").lemma_map()
            _NLP = nlp
        return _NLP


def _chunks(text: str) -> Iterator[str]:
    """Split a long text at whitespace into pieces spaCy is comfortable with."""
    start = 0
    while len(text) - start > _CHUNK_CHARS:
        cut = text.rfind(" ", start + _CHUNK_CHARS // 2, start + _CHUNK_CHARS)
        cut = cut if cut > start else start + _CHUNK_CHARS
        yield text[start:cut]
        start = cut
    yield text[start:]


def _release_if_large() -> None:
    """Start a fresh pipeline once the string store has grown past MAX_STRINGS.

    Every new word a document brings stays in spaCy's vocabulary (that is what keeps the
    tokenizer's cache warm). A long-running worker would grow without bound, so past a limit
    the pipeline and the compiled matchers are dropped and rebuilt on next use.
    """
    global _NLP
    with _LOCK:
        if _NLP is not None and len(_NLP.vocab.strings) > MAX_STRINGS:
            logger.info("spaCy vocabulary reached %d strings; rebuilding the pipeline", len(_NLP.vocab.strings))
            _NLP = None
            _TAGGERS.clear()


def _lemma_string(doc: Doc) -> str:
    if not len(doc):
        return ""
    arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
    strings = doc.vocab.strings
    return " ".join([strings[h] for h in arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0].tolist()])


def lemmatize_many(texts: Iterable[str]) -> list[str]:
    """Lowercase lemma strings (punctuation dropped) for many texts, batched."""
    texts = [t or "" for t in texts]
    pieces: list[list[str]] = [[] for _ in texts]
    items = ((chunk, i) for i, text in enumerate(texts) for chunk in _chunks(text))
    with _LOCK:
        for doc, i in pipeline().pipe(items, as_tuples=True, batch_size=_BATCH_SIZE):
            pieces[i].append(_lemma_string(doc))
    _release_if_large()
    return [" ".join(p for p in parts if p) for parts in pieces]


def lemmatize(text: str) -> str:
    """The lowercase lemmas of a text joined by spaces: what the tagger and search index match on."""
    text = text or ""
    if len(text) > _CHUNK_CHARS:
        return lemmatize_many([text])[0]
    with _LOCK:
        result = _lemma_string(pipeline()(text))
    _release_if_large()
    return result
