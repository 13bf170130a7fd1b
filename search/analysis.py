"""Text analysis done in Python because the Elasticsearch server has no English analysis.

The server available here lacks the ``analysis-common`` module (no ``english`` analyzer, no
stemmer or synonym filters), so every text field is indexed twice: the original text with the
``standard`` analyzer (for display, exact words and highlighting) and a lemmatised copy built
here with the tagger's spaCy lookup lemmas (``themes.nlp.lemmatize``), also analysed with
``standard``. Queries go through the same function, so "migrants" and "migrant" meet on the
lemma "migrant", and "migration's" meets "migrations" on "migration". The taxonomy's synonyms
("PDO" = "pre-departure orientation", "Nepali" = "Nepal") expand queries (see search.query).

Lemmas are looked up word by word and cached: spaCy's lookup lemmatiser is context-free, so
this gives the tagger's lemmas at dictionary speed (index time matters: a rebuild lemmatises
every page of every PDF). Plain words (letters only, or digits only) are looked up straight in
spacy-lookups-data's table, read from its file; only other words (with an apostrophe, letters and
digits mixed, an underscore) go through the tagger's spaCy pipeline, which is built on first use.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)


def _combining_marks() -> str:
    """A regex class body: the combining marks of the Basic Multilingual Plane, and the zero-width (non-)joiner.

    Python's ``\\w`` leaves them out, but in Devanagari, Bengali, Sinhala, Myanmar or Khmer the vowel
    signs, viramas and joiners are part of the word: without them "नेपाल" (Nepal) would split into
    "न प ल" and "ශ්‍රී" (Sri) into two.
    """
    marks = [cp for cp in range(0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Mc")]
    ranges: list[tuple[int, int]] = []
    for cp in marks:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "\\u200c\\u200d" + "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)


# Runs of word characters (Unicode, with the combining marks that belong to a word), keeping inner
# apostrophes ("don't") so that a possessive can be recognised and dropped: "migration's" and
# "workers'" index as "migration", "workers".
_PART = rf"\w[\w{_combining_marks()}]*"
_WORD = re.compile(rf"{_PART}(?:'{_PART})*")

SYNONYM_CACHE_SECONDS = 300


_LEMMA_CACHE_LIMIT = 500_000
_BATCH_WORDS = 2_000

# token -> its lemma(s), space-separated. Words repeat a lot (a corpus has a few hundred thousand
# distinct ones), so indexing runs at dictionary speed once a word has been seen; the cache is
# emptied if it ever grows huge.
_LEMMAS: dict[str, str] = {}
# A run of text between white space, as written ("Workers'", "(PDO),") -> the lemmas of its words,
# space-separated ("" when it has none). Words never span white space, so a text's lemmas are its
# chunks' lemmas joined: one dictionary lookup per chunk instead of a regex pass over the text.
_CHUNKS: dict[str, str] = {}

# spaCy's English tokenizer exceptions that are a lowercase word of plain letters: the tokenizer
# splits these ("cannot" -> "can", "not") or rewrites them, so they go through the pipeline.
# Equal to the lowercase alphabetic keys of spacy.blank("en").tokenizer.rules (a test checks it).
SPECIAL_CASES = frozenset(
    """
    aint arent cannot cant cantve couldnt couldntve couldve darent didnt didntve doesnt doesntve doin
    dont dontve em goin gonna gotta hadnt hadntve hasnt havent havin hed hedve hellve hes howd howdve
    howll howllve howre hows howve id idve illve im ima isnt itd itdve itll itllve ive ll lovin maynt
    mayntve mightnt mightntve mightve mustnt mustntve mustve neednt needntve nothin notve nuff nuthin ol
    oughtnt oughtntve shant shantve shedve shellve shes shouldnt shouldntve shouldve somethin thatd
    thatdve thatll thatllve thats thered theredve therell therellve therere theres thereve thesed
    thesedve thesell thesellve thesere theseve theyd theydve theyll theyllve theyre theyve thisd thisdve
    thisll thisllve thiss thosed thosedve thosell thosellve thosere thoseve wasnt wed wedve wellve werent
    weve whatd whatdve whatll whatllve whatre whats whatve whend whendve whenll whenllve whenre whens
    whenve whered wheredve wherell wherellve wherere wheres whereve whod whodve wholl whollve whos whove
    whyd whydve whyll whyllve whyre whys whyve wont wontve wouldnt wouldntve wouldve yall youd youdve
    youll youllve youre youve
    """.split()  # noqa: SIM905 - one string reads better than 162 quoted words
)


def _base(token: str) -> str:
    return token[:-2] if token.endswith("'s") else token


def _tagger_lemmatize(text: str) -> str:
    try:
        from themes.nlp import lemmatize
    except ImportError:  # the tagger is not installed yet: fall back to lowercase words
        return text
    return lemmatize(text) or ""


def _lemma_uncached(token: str) -> str:
    word = _base(token)
    # A lemma that spaCy splits into several tokens keeps only its letters and digits.
    return " ".join(_WORD.findall(_tagger_lemmatize(word))) or word


@functools.cache
def lemma_table() -> dict[str, str] | None:
    """spacy-lookups-data's English ``lemma_lookup`` table, read from its file (None if not installed).

    The same table the tagger's lemmatiser loads through spaCy (``spacy.util.load_language_data``
    reads ``<name>.json`` or else ``<name>.json.gz``); reading it here costs a few hundredths of a
    second, against about half a second to build the spaCy pipeline.
    """
    try:
        import spacy_lookups_data
    except ImportError:
        return None
    try:
        path = Path(str(spacy_lookups_data.en["lemma_lookup"]))
    except (AttributeError, KeyError):
        return None
    try:
        if path.exists():
            return json.loads(path.read_bytes())
        return json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))
    except (OSError, ValueError):
        logger.exception("could not read the lemma table %s; lemmatising through spaCy", path)
        return None


def _plain_word_lemma(token: str) -> str | None:
    """The tagger's lemma of a plain word straight from the lookup table, without spaCy; else None.

    spaCy's tokenizer keeps a word made only of letters (or only of digits) as one token unless
    it is one of its special cases ("cannot", "gonna"), and the tagger's lemmatiser then looks its
    lowercase form up in the table; doing that lookup here gives the same lemma (checked over
    every word of the benchmark corpus and in the tests). Other words (apostrophes, letters mixed
    with digits, underscores) and special cases return None: they go through the pipeline.
    """
    if not (token.isalpha() or (token.isascii() and token.isdigit())) or token in SPECIAL_CASES:
        return None
    table = lemma_table()
    if table is None:
        return None
    return " ".join(_WORD.findall(str(table.get(token, token)).lower())) or token


def _learn(tokens: Iterable[str]) -> None:
    """Look up the lemmas of new words in batches: one spaCy call per batch instead of per word."""
    wanted = set(tokens)
    missing = sorted(wanted.difference(_LEMMAS))
    if len(_LEMMAS) + len(missing) > _LEMMA_CACHE_LIMIT:
        # Start afresh, relearning every word asked for: callers look them all up right after.
        _LEMMAS.clear()
        missing = sorted(wanted)
    for token in missing:
        lemma_found = _plain_word_lemma(token)
        if lemma_found is not None:
            _LEMMAS[token] = lemma_found
    missing = [token for token in missing if token not in _LEMMAS]
    simple = [token for token in missing if "'" not in _base(token)]
    for start in range(0, len(simple), _BATCH_WORDS):
        _learn_batch(simple[start : start + _BATCH_WORDS])
    for token in missing:
        if token not in _LEMMAS:
            _LEMMAS[token] = _lemma_uncached(token)


def _learn_batch(batch: list[str]) -> None:
    # spaCy keeps one token per plain word almost always; when it splits one ("gonna", "5km") the
    # batch no longer lines up, so it is halved until the odd word is looked up on its own.
    if len(batch) <= 4:
        for token in batch:
            _LEMMAS[token] = _lemma_uncached(token)
        return
    lemmas = _tagger_lemmatize(" ".join(_base(token) for token in batch)).split()
    if len(lemmas) == len(batch):
        for token, found in zip(batch, lemmas, strict=True):
            _LEMMAS[token] = " ".join(_WORD.findall(found)) or _base(token)
        return
    middle = len(batch) // 2
    _learn_batch(batch[:middle])
    _learn_batch(batch[middle:])


def _tokens(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower().replace("\u2019", "'"))


def lemma(word: str) -> str:
    """The tagger's lowercase lemma of one word ("Migrants" -> "migrant")."""
    token = word.lower().replace("\u2019", "'")
    if token not in _LEMMAS:
        _learn([token])
    return _LEMMAS[token]


def words(text: str) -> list[str]:
    """The words of a text, lowercased, with possessive endings removed."""
    return [_base(token) for token in _tokens(text)]


def _chunk_lemmas(chunk: str) -> str:
    return " ".join(map(_LEMMAS.__getitem__, _tokens(chunk)))


def lemmatize_text(text: str) -> str:
    """The lemmatised copy of a text that goes into the ``*_lemma`` fields and their queries."""
    return lemmatize_texts([text])[0]


def lemmatize_texts(texts: Sequence[str]) -> list[str]:
    """``lemmatize_text`` for many texts, learning all their new words in one batch.

    A rebuild lemmatises a chunk of documents at once: with a cold cache (a fresh process) the
    new words of the whole chunk cost a handful of spaCy calls instead of a few per text.
    """
    out: list[str] = []
    unknown: list[tuple[int, list[str]]] = []
    for position, text in enumerate(texts):
        chunks = text.split() if text else []
        try:
            out.append(" ".join(filter(None, map(_CHUNKS.__getitem__, chunks))))
        except KeyError:
            out.append("")
            unknown.append((position, chunks))
    if unknown:
        new_chunks = {chunk for _, chunks in unknown for chunk in chunks if chunk not in _CHUNKS}
        if len(_CHUNKS) + len(new_chunks) > _LEMMA_CACHE_LIMIT:
            _CHUNKS.clear()
            new_chunks = {chunk for _, chunks in unknown for chunk in chunks}
        _learn(token for chunk in new_chunks for token in _tokens(chunk))
        for chunk in new_chunks:
            _CHUNKS[chunk] = _chunk_lemmas(chunk)
        for position, chunks in unknown:
            out[position] = " ".join(filter(None, map(_CHUNKS.__getitem__, chunks)))
    return out


def lemma_tokens(text: str) -> list[str]:
    """The lemmas of a text's words, in order."""
    return lemmatize_text(text).split()


def surface_forms(word: str) -> set[str]:
    """Spellings of a word that share its lemma, for highlighting the original text.

    Highlights are computed on the original field (its offsets match what a reader sees), so a
    query for "migrants" must also mark "migrant" and "migrant's" there. Regular inflections are
    generated and kept only when the tagger's lemmatiser maps them back to the same lemma.
    """
    lowered = word.lower().replace("\u2019", "'")
    base = lemma(lowered)
    forms = {lowered, base}
    if " " in base or not base:
        return {f for f in forms if f}
    candidates = {base + "s", base + "es", base + "ed", base + "d", base + "ing"}
    if base.endswith("y"):
        candidates.add(base[:-1] + "ies")
        candidates.add(base[:-1] + "ied")
    if base.endswith("e"):
        candidates.add(base[:-1] + "ing")
    forms.update(c for c in candidates if lemma(c) == base)
    # The standard tokenizer keeps "migration's" as one token; add the possessive spellings.
    forms.update(
        [f + "'s" for f in list(forms) if not f.endswith("s")] + [f + "'" for f in list(forms) if f.endswith("s")]
    )
    return forms


class _SynonymCache:
    """The taxonomy's synonym table keyed by lemma phrase, rebuilt every few minutes or on change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table: dict[tuple[str, ...], list[str]] | None = None
        self._loaded_at = 0.0

    def clear(self) -> None:
        with self._lock:
            self._table = None

    def get(self) -> dict[tuple[str, ...], list[str]]:
        now = time.monotonic()
        with self._lock:
            if self._table is not None and now - self._loaded_at < SYNONYM_CACHE_SECONDS:
                return self._table
        table = _load_synonyms()
        with self._lock:
            self._table, self._loaded_at = table, now
        return table


def _load_synonyms() -> dict[tuple[str, ...], list[str]]:
    try:
        from themes.nlp import Vocabulary, synonym_expansions
    except ImportError:
        logger.warning("themes.nlp.synonym_expansions is not available: queries are not expanded with synonyms")
        return {}
    try:
        expansions = synonym_expansions(Vocabulary.from_db())
        country_terms = _country_terms()
    except Exception:  # a broken vocabulary must not take search down with it
        logger.exception("could not load the taxonomy's synonyms; searching without them")
        return {}
    table: dict[tuple[str, ...], list[str]] = {}
    # Terms and siblings come lemmatised by the tagger's own lemmatiser: only split them.
    for term, siblings in expansions.items():
        key = tuple(words(term))
        if not key:
            continue
        merged = table.setdefault(key, [])
        for sibling in siblings:
            other = tuple(words(sibling))
            if other and other != key and sibling not in merged and is_equivalent(key, other, country_terms):
                merged.append(sibling)
    return {key: value for key, value in table.items() if value}


def _country_terms() -> set[tuple[str, ...]]:
    """Every way the taxonomy names a country (names, ISO names, aliases, demonyms), as lemmas."""
    from themes.models import Country

    terms: set[tuple[str, ...]] = set()
    for country in Country.objects.all():
        plurals = [d + "s" for d in country.demonym_list if not d.endswith("s")]
        for text in [country.name, country.iso_name, *country.alias_list, *country.demonym_list, *plurals]:
            if text:
                terms.add(tuple(lemma_tokens(text)))
    return terms


# British and American spellings of the same word ("labour"/"labor", "programme"/"program").
_SPELLING = [("isation", "ization"), ("ise", "ize"), ("yse", "yze"), ("our", "or"), ("mme", "m"), ("tre", "ter")]


def _spelling_key(word: str) -> str:
    for british, american in _SPELLING:
        if word.endswith(british) and len(word) > len(british) + 2:
            return word[: -len(british)] + american
        if british == "our" and "our" in word[1:-1]:
            word = word.replace("our", "or")
    return word


def _initials(tokens: tuple[str, ...], skip_stop_words: bool) -> str:
    from spacy.lang.en.stop_words import STOP_WORDS

    return "".join(t[0] for t in tokens if t and not (skip_stop_words and t in STOP_WORDS))


def _is_acronym_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    if len(short) != 1 or len(long) < 2 or not short[0].isalpha() or not 2 <= len(short[0]) <= 7:
        return False
    acronym = short[0]
    candidates = {acronym, acronym[:-1] if acronym.endswith("s") else acronym}
    return bool(candidates & {_initials(long, False), _initials(long, True)})


def is_equivalent(term: tuple[str, ...], other: tuple[str, ...], country_terms: set[tuple[str, ...]]) -> bool:
    """Whether a sibling from the tagger's vocabulary means the same as the term typed.

    The tagger groups every keyword of a label (a theme's twenty phrases) because each is evidence
    for it; as query synonyms most would flood results with loosely related documents. Search keeps
    only true equivalents: other names of the same country ("Nepali" = "Nepal"), an acronym and
    its spelled-out form ("PDO" = "pre-departure orientation") and British/American spellings.
    """
    if term in country_terms and other in country_terms:
        return True
    if _is_acronym_of(term, other) or _is_acronym_of(other, term):
        return True
    return len(term) == len(other) and all(
        _spelling_key(a) == _spelling_key(b) for a, b in zip(term, other, strict=True)
    )


synonym_cache = _SynonymCache()


def synonyms() -> dict[tuple[str, ...], list[str]]:
    """Lemma phrase (as a tuple of lemmas) -> the other ways the taxonomy writes the same term."""
    return synonym_cache.get()


def clear_caches() -> None:
    """Forget cached synonyms (called when editors change the taxonomy)."""
    synonym_cache.clear()
