"""Rule-based tagger: countries, themes and GCM objectives suggested from text, with evidence.

The pipeline is ``spacy.blank("en")`` plus spaCy's lookup lemmatizer (tables from
spacy-lookups-data), applied to the lowercase form of every token in one vectorised step. Two
PhraseMatchers built from the taxonomy vocabulary do the matching: one on lemmas (names,
demonyms and keywords, case-insensitive, so "Recruitment Fees" finds "recruitment fee") and
one on exact spelling for acronyms ("MoU", "UAE", "PDO"). Explicit references to GCM
objectives ("GCM Objective 21", "Objectives 5, 6 and 7") are read with a regular expression.

A matcher is built once per vocabulary and cached under a hash of the vocabulary's contents,
so an editor's new keyword takes effect at the next tagging run. Everything public here is a
pure function of its arguments: text in, suggestions with evidence out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pycountry
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

logger = logging.getLogger(__name__)

Family = Literal["country", "theme", "gcm_objective"]
Where = Literal["title", "abstract", "body"]

#: A label is suggested when its score reaches this value (callers may pass their own).
THRESHOLD = 0.35
#: At most this many labels per family and document, best first.
MAX_LABELS: dict[str, int] = {"country": 10, "theme": 5, "gcm_objective": 6}
MAX_EVIDENCE = 3
MAX_PASSAGE_CHARS = 300
#: A mention in the title counts 2.5 times a mention in the body, one in the abstract 1.5 times.
LOCATION_WEIGHT: dict[str, float] = {"title": 2.5, "abstract": 1.5, "body": 1.0}
#: Body mentions are divided by sqrt(body tokens / this), so long documents need more mentions.
BODY_REFERENCE_TOKENS = 300
DEMONYM_WEIGHT = 0.8
ACRONYM_WEIGHT = 0.9
EXPLICIT_GCM_WEIGHT = 2.0
CONTEXT_GCM_WEIGHT = 1.5
DOCUMENT_GCM_WEIGHT = 1.0
#: Past this many strings in spaCy's vocabulary the pipeline is rebuilt (bounds a worker's memory).
MAX_STRINGS = 2_000_000
_CHUNK_CHARS = 100_000
_BATCH_SIZE = 32
_WHERE_RANK = {"title": 0, "abstract": 1, "body": 2}

# --- Country knowledge the taxonomy does not carry -------------------------------------------
# Other names of countries outside the starting vocabulary that labour-migration texts use.
# The taxonomy always wins: a term an editor gives one country is never claimed by another.
EXTRA_COUNTRY_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "US": (("United States of America", "USA", "U.S.", "U.S.A."), ()),
    "GB": (("UK", "U.K.", "Britain", "Great Britain"), ("British",)),
    "KP": (("North Korea", "DPRK", "DPR Korea", "Democratic People's Republic of Korea"), ("North Korean",)),
    "MM": (("Burma",), ("Burmese",)),
    "LA": (("Laos", "Lao PDR"), ("Lao", "Laotian")),
    "RU": (("Russia",), ("Russian",)),
    "SY": (("Syria",), ("Syrian",)),
    "IR": (("Iran",), ("Iranian",)),
    "IQ": ((), ("Iraqi",)),
    "TR": (("Turkey",), ("Turkish",)),
    "BT": ((), ("Bhutanese",)),
    "ET": ((), ("Ethiopian",)),
    "KE": ((), ("Kenyan",)),
    "UG": ((), ("Ugandan",)),
    "EG": ((), ("Egyptian",)),
    "SD": ((), ("Sudanese",)),
    "YE": ((), ("Yemeni",)),
    "NG": ((), ("Nigerian",)),
    "GH": ((), ("Ghanaian",)),
    "MU": ((), ("Mauritian",)),
    "PS": (("Palestine",), ("Palestinian",)),
    "TL": (("East Timor",), ("Timorese",)),
    "BN": (("Brunei",), ()),
    "HK": (("Hong Kong SAR",), ()),
    "MO": (("Macau",), ()),
    "CD": (("Democratic Republic of the Congo", "Democratic Republic of Congo", "DR Congo", "DRC"), ()),
    "CI": (("Ivory Coast",), ()),
    "CZ": (("Czech Republic",), ()),
    "CV": (("Cape Verde",), ()),
    "SZ": (("Swaziland",), ()),
}
# Phrases that contain a country term but are not about that country: they win the
# longest-match contest and are then dropped.
COUNTRY_BLOCKERS: tuple[str, ...] = (
    "Indian Ocean",
    "American Indian",
    "West Indian",
    "East India Company",
    "New Jersey",
    "New Mexico",
    "New Guinea",
    "Northern Ireland",
    "Guinea pig",
    "guinea fowl",
    "guinea worm",
    "cold turkey",
    "roast turkey",
    "turkey sandwich",
    "turkey breast",
    "Niger Delta",
    "Niger River",
    "River Niger",
    "Jordan River",
    "River Jordan",
    "Georgia State",
    "Georgia Tech",
    "University of Georgia",
    "Atlanta, Georgia",
    "Korean Peninsula",
    "Korean War",
    "South China Sea",
)
# Country names that are also first names or surnames: checked against their neighbours.
_NAME_LIKE = frozenset({"jordan", "chad", "georgia", "israel"})
# "Neighbouring Jordan", "Northern Israel", "Sparsely": endings that first names rarely have.
_NOT_NAMES = ("ing", "ed", "ern", "ly", "ian", "ese", "ish", "ic", "al")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "judge", "senator"})
# Capitalised words that may follow a country's name without making it a person's name.
_COUNTRY_NOUNS = frozenset(
    {
        "compact",
        "valley",
        "government",
        "ministry",
        "embassy",
        "times",
        "authorities",
        "authority",
        "police",
        "armed",
        "army",
        "defense",
        "defence",
        "border",
        "labour",
        "labor",
        "national",
        "nationals",
        "office",
        "department",
        "dinar",
        "shekel",
        "parliament",
        "cabinet",
        "court",
        "law",
        "airport",
        "country",
        "case",
    }
)

_GCM_CONTEXT = re.compile(
    r"\bGCM\b|\bGlobal\s+Compact\b(?!\s+on\s+Refugees)",
    re.IGNORECASE,
)
_OBJ_NUM = r"(?:2[0-3]|1[0-9]|[1-9])(?![\d.,]\d)(?!\d)"
_OBJ_SUB = r"(?:\s*\(\s*[a-z]{1,4}\s*\))?"
_OBJ_SEP = r"\s*(?:,|;|&|\band\b|\bor\b|\bto\b|-|\u2013|\u2014)\s*"
_OBJECTIVE_REF = re.compile(
    rf"\b(?P<gcm>(?:GCM|Global\s+Compact(?:\s+for\s+Migration)?)(?:['\u2019]s)?\s+)?"
    rf"objectives?\s*\(?\s*(?:no\.?\s*|number\s+|#\s*)?(?P<nums>{_OBJ_NUM}{_OBJ_SUB}"
    rf"(?:{_OBJ_SEP}(?:objectives?\s*)?{_OBJ_NUM}{_OBJ_SUB})*)",
    re.IGNORECASE,
)
_NUMBER_OR_SEP = re.compile(r"\d+|-|\u2013|\u2014|\bto\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+|\n\s*\n")


# --- Public data types -------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """A passage that made the tagger suggest a label."""

    page: int | None
    text: str
    where: Where

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored on TagSuggestion.evidence."""
        return asdict(self)


@dataclass(frozen=True)
class Suggestion:
    """One suggested label with its score in [0, 1] and up to three evidence passages."""

    family: Family
    code: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "family": self.family,
            "code": self.code,
            "score": self.score,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class CountryTerms:
    """A country of the taxonomy and the words that name it."""

    alpha2: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    colombo_process_member: bool = False
    main_destination: bool = False


@dataclass(frozen=True)
class ThemeTerms:
    """A theme and its keywords."""

    slug: str
    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectiveTerms:
    """A GCM objective and its keywords."""

    number: int
    title: str
    keywords: tuple[str, ...] = ()


def _terms(value: Iterable[str] | str) -> tuple[str, ...]:
    lines = value.splitlines() if isinstance(value, str) else value
    return tuple(t.strip() for t in lines if t and t.strip())


@dataclass(frozen=True)
class Vocabulary:
    """Everything the tagger matches: the taxonomy's countries, themes and GCM objectives."""

    countries: tuple[CountryTerms, ...] = ()
    themes: tuple[ThemeTerms, ...] = ()
    objectives: tuple[ObjectiveTerms, ...] = ()

    @classmethod
    def from_seed(cls) -> Vocabulary:
        """The starting vocabulary in themes.seed_data (no database needed)."""
        from themes import seed_data

        return cls(
            countries=tuple(
                CountryTerms(
                    alpha2=c["alpha2"],
                    name=c["name"],
                    aliases=_terms(c.get("aliases", ())),
                    demonyms=_terms(c.get("demonyms", ())),
                    colombo_process_member=bool(c.get("colombo_process_member")),
                    main_destination=bool(c.get("main_destination")),
                )
                for c in seed_data.COUNTRIES
            ),
            themes=tuple(ThemeTerms(t["slug"], t["name"], _terms(t.get("keywords", ()))) for t in seed_data.THEMES),
            objectives=tuple(
                ObjectiveTerms(int(o["number"]), o["title"], _terms(o.get("keywords", ())))
                for o in seed_data.GCM_OBJECTIVES
            ),
        )

    @classmethod
    def from_db(cls) -> Vocabulary:
        """The vocabulary as editors keep it in the database."""
        from themes.models import Country, GCMObjective, Theme

        return cls(
            countries=tuple(
                CountryTerms(
                    alpha2=c.alpha2.upper(),
                    name=c.name,
                    aliases=_terms(c.aliases),
                    demonyms=_terms(c.demonyms),
                    colombo_process_member=c.colombo_process_member,
                    main_destination=c.main_destination,
                )
                for c in Country.objects.order_by("alpha2")
            ),
            themes=tuple(ThemeTerms(t.slug, t.name, _terms(t.keywords)) for t in Theme.objects.order_by("slug")),
            objectives=tuple(
                ObjectiveTerms(o.number, o.title, _terms(o.keywords)) for o in GCMObjective.objects.order_by("number")
            ),
        )

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the contents: equal vocabularies share one compiled matcher."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


# --- The shared spaCy pipeline -----------------------------------------------------------------
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


# --- Compiling a vocabulary into matchers ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Target:
    family: str  # "country", "theme", "gcm_objective" or "block"
    code: str
    weight: float
    name_like: bool = False


def _is_acronym(term: str) -> bool:
    """Acronyms are matched case-sensitively so that "MoU" never collides with an ordinary word."""
    return " " not in term and sum(c.isupper() for c in term) >= 2


def _plural(demonym: str) -> str | None:
    if demonym.endswith(("ese", "s", "sh", "ch")):
        return None
    return demonym + "s"


def _iso_names(record: Any) -> list[str]:
    """The ISO name, official and common names, with "Korea, Republic of" also as "Republic of Korea"."""
    names: list[str] = []
    for attr in ("name", "official_name", "common_name"):
        value = getattr(record, attr, None)
        if not value:
            continue
        value = re.sub(r"\s*\([^)]*\)", "", value).strip()
        value = re.sub(r"^the\s+", "", value, flags=re.IGNORECASE)
        names.append(value)
        if ", " in value:
            head, tail = value.split(", ", 1)
            names.append(re.sub(r"^the\s+", "", f"{tail} {head}", flags=re.IGNORECASE))
            names.append(head)
    return names


def _country_terms(vocabulary: Vocabulary) -> dict[str, list[_Target]]:
    """Every spelling of every country -> target, taxonomy first, then ISO names and extras."""
    claimed: dict[str, list[_Target]] = {}
    surface: dict[str, str] = {}

    def key(term: str) -> str:
        return " ".join(term.split()).casefold()

    def add(term: str, target: _Target) -> None:
        k = key(term)
        surface.setdefault(k, term)
        if target not in claimed.setdefault(k, []):
            claimed[k].append(target)

    def make(code: str, term: str, weight: float) -> _Target:
        return _Target("country", code, weight, key(term) in _NAME_LIKE)

    for c in vocabulary.countries:
        for term in (c.name, *c.aliases):
            add(term, make(c.alpha2, term, 1.0))
        for term in c.demonyms:
            for form in (term, _plural(term)):
                if form:
                    add(form, make(c.alpha2, form, DEMONYM_WEIGHT))
    taxonomy_keys = set(claimed)
    # Terms outside the taxonomy: one code per term, an exact ISO name beats a shortened one.
    others: dict[str, dict[str, tuple[float, bool]]] = defaultdict(dict)
    for record in pycountry.countries:
        for i, term in enumerate(_iso_names(record)):
            exact = i == 0 and term == record.name
            others[key(term)].setdefault(record.alpha_2, (1.0, exact))
            surface.setdefault(key(term), term)
    for code, (names, demonyms) in EXTRA_COUNTRY_TERMS.items():
        for term in names:
            others[key(term)].setdefault(code, (1.0, True))
            surface.setdefault(key(term), term)
        for term in demonyms:
            for form in (term, _plural(term)):
                if form:
                    others[key(form)].setdefault(code, (DEMONYM_WEIGHT, True))
                    surface.setdefault(key(form), form)
    for k, codes in others.items():
        if k in taxonomy_keys:
            continue
        if len(codes) > 1:
            codes = {code: v for code, v in codes.items() if v[1]}
        if len(codes) == 1:
            code, (weight, _exact) = next(iter(codes.items()))
            add(surface[k], make(code, surface[k], weight))
    for term in COUNTRY_BLOCKERS:
        add(term, _Target("block", "", 0.0))
    return {surface[k]: targets for k, targets in claimed.items()}


_PROB_CACHE: dict[str, float | None] = {}


def _log_probs(words: set[str]) -> dict[str, float | None]:
    """Unigram log-probabilities from spacy-lookups-data, for the words a vocabulary uses."""
    missing = words - _PROB_CACHE.keys()
    if missing:
        table: dict[str, float] = {}
        try:
            import spacy_lookups_data

            path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
            with gzip.open(path, "rt", encoding="utf8") as fh:
                table = json.load(fh)
        except (ImportError, OSError, ValueError):
            logger.warning("No lexeme probabilities found; every keyword counts as specific.")
        for word in missing:
            _PROB_CACHE[word] = table.get(word)
    return {w: _PROB_CACHE[w] for w in words}


def _word_specificity(logprob: float | None) -> float:
    """Rare words are strong evidence, common ones weak: -9 and above -> 0.2, -15 and below -> 1."""
    if logprob is None:
        return 1.0
    return min(1.0, max(0.2, (-logprob - 9.0) / 6.0))


class Tagger:
    """Matchers compiled from one vocabulary; use get_tagger() rather than building one directly."""

    def __init__(self, vocabulary: Vocabulary, nlp: Language) -> None:
        self.vocabulary = vocabulary
        self.nlp = nlp
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.targets: dict[int, tuple[_Target, ...]] = {}
        self._compile()

    def _compile(self) -> None:
        entries: dict[str, list[_Target]] = defaultdict(list)
        for term, targets in _country_terms(self.vocabulary).items():
            entries[term].extend(targets)
        labelled: list[tuple[str, str, str]] = []  # (family, code, term)
        for t in self.vocabulary.themes:
            labelled += [("theme", t.slug, term) for term in (t.name, *t.keywords)]
        for o in self.vocabulary.objectives:
            labelled += [("gcm_objective", str(o.number), term) for term in (o.title, *o.keywords)]
        # Keywords are compared by their lemmas; one shared by several labels counts less in each.
        plain = [term for _f, _c, term in labelled if not _is_acronym(term)]
        docs = dict(zip(plain, self.nlp.pipe(plain), strict=True))
        lemma_key = {term: " ".join(tok.lemma_ for tok in doc) for term, doc in docs.items()}
        words = {tok.lemma_ for doc in docs.values() for tok in doc} | {
            tok.lower_ for doc in docs.values() for tok in doc
        }
        probs = _log_probs({w for w in words if w not in STOP_WORDS})
        sharing: dict[tuple[str, str], set[str]] = defaultdict(set)
        for family, code, term in labelled:
            sharing[(family, lemma_key.get(term, term))].add(code)
        for family, code, term in labelled:
            if _is_acronym(term):
                weight = ACRONYM_WEIGHT
            else:
                content = [tok for tok in docs[term] if not tok.is_punct and tok.lower_ not in STOP_WORDS]
                specific = [
                    max(_word_specificity(probs.get(tok.lemma_)), _word_specificity(probs.get(tok.lower_)))
                    if probs.get(tok.lemma_) is not None or probs.get(tok.lower_) is not None
                    else 1.0
                    for tok in content
                ]
                weight = 1.0 - math.prod(1.0 - s for s in specific) if specific else 0.0
                if len(content) >= 2:
                    weight = max(weight, 0.6)
            weight /= len(sharing[(family, lemma_key.get(term, term))])
            if weight > 0:
                entries[term].append(_Target(family, code, round(weight, 4)))
        lemma_patterns: dict[str, list[str]] = defaultdict(list)
        orth_patterns: dict[str, list[str]] = defaultdict(list)
        for term, targets in entries.items():
            if _is_acronym(term):
                k = "orth:" + term
                orth_patterns[k] += [term, term + "s"] if term[-1:].isalpha() else [term]
            else:
                k = "lemma:" + " ".join(term.split()).casefold()
                lemma_patterns[k] += _spelling_variants(term)
            mid = self.nlp.vocab.strings.add(k)
            merged = list(self.targets.get(mid, ()))
            merged += [t for t in targets if t not in merged]
            self.targets[mid] = tuple(merged)
        for k, terms in lemma_patterns.items():
            self.lemma_matcher.add(k, [variant for doc in self.nlp.pipe(terms) for variant in _lemma_variants(doc)])
        for k, terms in orth_patterns.items():
            self.orth_matcher.add(k, [self.nlp.make_doc(t) for t in terms])
        logger.info("Compiled tagger %s: %d patterns", self.vocabulary.fingerprint[:12], len(self.targets))

    # -- matching -----------------------------------------------------------------------------
    def suggest(
        self,
        pages: Sequence[str],
        title: str = "",
        abstract: str = "",
        threshold: float | None = None,
        max_labels: Mapping[str, int] | None = None,
    ) -> list[Suggestion]:
        """Score every label mentioned in the document and return the ones above the threshold."""
        segments: list[tuple[Where, int | None, str]] = []
        if title and title.strip():
            segments.append(("title", None, title))
        if abstract and abstract.strip():
            segments.append(("abstract", None, abstract))
        for number, page in enumerate(pages or (), start=1):
            if page and page.strip():
                segments += [("body", number, chunk) for chunk in _chunks(page)]
        if not segments:
            return []
        mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]] = defaultdict(list)
        body_tokens = 0
        with _LOCK:
            for doc, index in self.nlp.pipe(
                ((text, i) for i, (_w, _p, text) in enumerate(segments)), as_tuples=True, batch_size=_BATCH_SIZE
            ):
                if segments[index][0] == "body":
                    body_tokens += len(doc)
                self._match(doc, index, mentions)
        self._match_objective_references(segments, mentions)
        _release_if_large()
        return self._score(segments, mentions, body_tokens, threshold, max_labels)

    def _match(self, doc: Doc, index: int, mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]]) -> None:
        matches = self.lemma_matcher(doc) + self.orth_matcher(doc)
        if not matches:
            return
        countries: list[tuple[int, int, _Target]] = []
        labels: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
        for match_id, start, end in matches:
            for target in self.targets[match_id]:
                if target.family in ("country", "block"):
                    if target.family == "block" or self._plausible_country(doc, start, end, target):
                        countries.append((start, end, target))
                else:
                    labels[(target.family, target.code)].append((start, end, target.weight))
        taken: set[int] = set()
        for start, end, target in sorted(countries, key=lambda m: (m[0] - m[1], m[0])):
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                if target.family == "country":
                    labels[("country", target.code)].append((start, end, target.weight))
        for label, spans in labels.items():
            used: set[int] = set()
            for start, end, weight in sorted(spans, key=lambda m: (m[0] - m[1], -m[2], m[0])):
                if used.isdisjoint(range(start, end)):
                    used.update(range(start, end))
                    last = doc[end - 1]
                    mentions[label].append((index, weight, doc[start].idx, last.idx + len(last)))

    @staticmethod
    def _plausible_country(doc: Doc, start: int, end: int, target: _Target) -> bool:
        """Proper nouns are capitalised; "Jordan" next to a first name or surname is a person."""
        if not any(tok.text[:1].isupper() for tok in doc[start:end] if not tok.is_stop):
            return False
        if not target.name_like or end - start != 1 or doc[start].text.isupper():
            return True  # all-capitals headings say nothing about names
        if start > 0:
            prev = doc[start - 1]
            if prev.lower_.rstrip(".") in _TITLES:
                return False
            if prev.is_alpha and prev.text.istitle() and not prev.is_stop and not prev.lower_.endswith(_NOT_NAMES):
                return False
        if end < len(doc):
            nxt = doc[end]
            if nxt.is_alpha and nxt.text[:1].isupper() and not nxt.is_stop and nxt.lower_ not in _COUNTRY_NOUNS:
                return False
        return True

    def _match_objective_references(
        self,
        segments: list[tuple[Where, int | None, str]],
        mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]],
    ) -> None:
        """Explicit references such as "GCM Objective 21" or "objectives 5, 6 and 7"."""
        known = {str(o.number) for o in self.vocabulary.objectives}
        document_has_gcm = any(_GCM_CONTEXT.search(text) for _w, _p, text in segments)
        for index, (_where, _page, text) in enumerate(segments):
            for m in _OBJECTIVE_REF.finditer(text):
                if m.group("gcm"):
                    weight = EXPLICIT_GCM_WEIGHT
                elif _GCM_CONTEXT.search(text, max(0, m.start() - 300), min(len(text), m.end() + 150)):
                    weight = CONTEXT_GCM_WEIGHT
                elif document_has_gcm:
                    weight = DOCUMENT_GCM_WEIGHT
                else:
                    continue
                for number in _objective_numbers(m.group("nums")):
                    if number in known:
                        mentions[("gcm_objective", number)].append((index, weight, m.start(), m.end()))

    def _score(
        self,
        segments: list[tuple[Where, int | None, str]],
        mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]],
        body_tokens: int,
        threshold: float | None,
        max_labels: Mapping[str, int] | None,
    ) -> list[Suggestion]:
        threshold = THRESHOLD if threshold is None else threshold
        caps = {**MAX_LABELS, **(max_labels or {})}
        damping = max(1.0, math.sqrt(body_tokens / BODY_REFERENCE_TOKENS))
        scored: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for (family, code), found in mentions.items():
            raw = 0.0
            for index, weight, _s, _e in found:
                where = segments[index][0]
                raw += weight * LOCATION_WEIGHT[where] / (damping if where == "body" else 1.0)
            score = round(1.0 - math.exp(-raw), 4)
            if score >= threshold:
                scored[family].append((score, code))
        suggestions: list[Suggestion] = []
        for family in ("country", "theme", "gcm_objective"):
            ranked = sorted(scored.get(family, []), key=lambda sc: (-sc[0], _code_order(sc[1])))
            for score, code in ranked[: caps.get(family, 0)]:
                evidence = _evidence(segments, mentions[(family, code)])
                suggestions.append(Suggestion(family, code, score, evidence))  # type: ignore[arg-type]
        return suggestions


# British and American spellings: a keyword written one way also matches the other.
_SPELLINGS = {"labour": "labor", "programme": "program", "centre": "center", "harmonisation": "harmonization"}
_SPELLINGS.update({v: k for k, v in _SPELLINGS.items()})
_ISE = re.compile(r"\b(recogni|organi|stigmati|regulari|prioriti|criminali|mobili|digiti|formali)s(e[sd]?|ing|ation)\b")
_IZE = re.compile(r"\b(recogni|organi|stigmati|regulari|prioriti|criminali|mobili|digiti|formali)z(e[sd]?|ing|ation)\b")


def _spelling_variants(term: str) -> list[str]:
    """The term, its other spelling and, for hyphenated words, the spaced and closed-up forms."""
    words = term.split()
    variants = {term, " ".join(_SPELLINGS.get(w.casefold(), w) for w in words)}
    variants |= {_ISE.sub(r"\1z\2", v) for v in variants} | {_IZE.sub(r"\1s\2", v) for v in variants}
    for v in list(variants):
        if "-" in v:
            variants |= {v.replace("-", " "), v.replace("-", "")}
    return sorted(variants)


def _lemma_variants(doc: Doc) -> list[Doc]:
    """The pattern, plus a copy whose lemmas are its lowercase words when the two differ.

    The lookup table is not idempotent ("brokers" -> "broker" but "broker" -> "broke"), so a
    keyword given in its base form must also match text whose lemma is that base form.
    """
    variants = [doc]
    lowers = doc.to_array(LOWER)
    if (lowers != doc.to_array(LEMMA)).any():
        copy = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        copy.from_array([LEMMA], lowers.reshape(-1, 1))
        variants.append(copy)
    return variants


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (0, code)


def _objective_numbers(text: str) -> list[str]:
    """ "5, 6 and 7" -> 5, 6, 7; "5-7" and "5 to 7" are ranges; "(a)" sub-items are ignored."""
    text = re.sub(r"\([^)]*\)", " ", text)
    numbers: list[int] = []
    pending_range = False
    for token in _NUMBER_OR_SEP.findall(text):
        if token.isdigit():
            n = int(token)
            if pending_range and numbers and numbers[-1] < n <= 23:
                numbers.extend(range(numbers[-1] + 1, n + 1))
            else:
                numbers.append(n)
            pending_range = False
        else:
            pending_range = True
    return [str(n) for n in dict.fromkeys(numbers) if 1 <= n <= 23]


def _passage(text: str, start: int, end: int) -> str:
    """The sentence around a match, whitespace collapsed, at most MAX_PASSAGE_CHARS long."""
    lo = max(0, start - 2 * MAX_PASSAGE_CHARS)
    hi = min(len(text), end + 2 * MAX_PASSAGE_CHARS)
    begin = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, end, hi)
    finish = m.start() + 1 if m else hi
    if finish - begin > MAX_PASSAGE_CHARS:
        half = max(0, (MAX_PASSAGE_CHARS - (end - start)) // 2)
        begin, finish = max(begin, start - half), min(finish, end + half)
    passage = " ".join(text[begin:finish].split())
    return passage[:MAX_PASSAGE_CHARS]


def _evidence(
    segments: list[tuple[Where, int | None, str]], found: list[tuple[int, float, int, int]]
) -> list[Evidence]:
    """Up to MAX_EVIDENCE distinct passages: title first, then abstract, then the strongest body mentions."""
    evidence: list[Evidence] = []
    seen: set[str] = set()
    ordered = sorted(found, key=lambda f: (_WHERE_RANK[segments[f[0]][0]], -f[1], f[0], f[2]))
    for index, _weight, start, end in ordered:
        where, page, text = segments[index]
        passage = _passage(text, start, end)
        if passage and passage not in seen:
            seen.add(passage)
            evidence.append(Evidence(page=page, text=passage, where=where))
            if len(evidence) >= MAX_EVIDENCE:
                break
    return evidence


# --- Cache and public entry points -------------------------------------------------------------
_TAGGERS: OrderedDict[str, Tagger] = OrderedDict()
_TAGGER_CACHE_SIZE = 4
_SEED: Vocabulary | None = None


def seed_vocabulary() -> Vocabulary:
    """The seed vocabulary, built once per process."""
    global _SEED
    if _SEED is None:
        _SEED = Vocabulary.from_seed()
    return _SEED


def get_tagger(vocabulary: Vocabulary | None = None) -> Tagger:
    """The compiled tagger for a vocabulary, cached by the vocabulary's content hash."""
    vocabulary = vocabulary or seed_vocabulary()
    key = vocabulary.fingerprint
    with _LOCK:
        tagger = _TAGGERS.get(key)
        if tagger is None:
            tagger = Tagger(vocabulary, pipeline())
            _TAGGERS[key] = tagger
            while len(_TAGGERS) > _TAGGER_CACHE_SIZE:
                _TAGGERS.popitem(last=False)
        else:
            _TAGGERS.move_to_end(key)
        return tagger


def suggest_tags(
    pages: Sequence[str],
    *,
    title: str = "",
    abstract: str = "",
    vocabulary: Vocabulary | None = None,
    threshold: float | None = None,
    max_labels: Mapping[str, int] | None = None,
) -> list[Suggestion]:
    """Suggest countries, themes and GCM objectives for a document given as page texts."""
    return get_tagger(vocabulary).suggest(pages, title, abstract, threshold, max_labels)


_EXPANSIONS: dict[str, dict[str, list[str]]] = {}


def synonym_expansions(vocabulary: Vocabulary | None = None) -> dict[str, list[str]]:
    """Each country or theme term (lemmatised) -> the other terms of its label(s), lemmatised, for query expansion."""
    vocabulary = vocabulary or seed_vocabulary()
    cached = _EXPANSIONS.get(vocabulary.fingerprint)
    if cached is not None:
        return cached
    groups: list[list[str]] = []
    for c in vocabulary.countries:
        record = pycountry.countries.get(alpha_2=c.alpha2)
        iso = [record.name] if record is not None and ", " not in record.name else []
        demonyms = [form for d in c.demonyms for form in (d, _plural(d)) if form]
        groups.append([c.name, *iso, *c.aliases, *demonyms])
    # Objectives' keyword lists are deliberately broad (evidence of a subject, not synonyms),
    # so only countries and themes feed query expansion.
    groups += [[t.name, *t.keywords] for t in vocabulary.themes]
    flat = [term for group in groups for term in group]
    lemmas = dict(zip(flat, lemmatize_many(flat), strict=True))
    expansions: dict[str, list[str]] = {}
    for group in groups:
        forms = list(dict.fromkeys(lemmas[t] for t in group if lemmas[t]))
        for form in forms:
            siblings = expansions.setdefault(form, [])
            siblings += [other for other in forms if other != form and other not in siblings]
    _EXPANSIONS[vocabulary.fingerprint] = expansions
    return expansions
