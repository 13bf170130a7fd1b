"""Matching and scoring: countries, themes and GCM objectives suggested from text, with evidence.

Two PhraseMatchers built from the vocabulary do the matching: one on lemmas (names, demonyms
and keywords, case-insensitive, so "Recruitment Fees" finds "recruitment fee") and one on
exact spelling for acronyms ("MoU", "UAE", "PDO"). Country names that are also people's names
are checked against their neighbours. Explicit references to GCM objectives ("GCM Objective
21", "Objectives 5, 6 and 7") are read with a regular expression.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from themes.nlp.classifier import TOPIC_LABEL, TrainedModel, label_of
from themes.nlp.decisions import (
    Calibration,
    LabelParts,
    LabelScore,
    combine,
    country_scores,
    is_passage,
    label_parts,
    passage_score,
    rank_and_cap,
    topic_score,
)
from themes.nlp.evidence import MAX_EVIDENCE, MAX_PASSAGE_CHARS, Evidence, Where, _evidence, _passage
from themes.nlp.passages import Segment
from themes.nlp.passages import segments as cut_segments
from themes.nlp.patterns import (
    ACRONYM_WEIGHT,
    _country_terms,
    _is_acronym,
    _lemma_variants,
    _log_probs,
    _spelling_variants,
    _Target,
    _word_specificity,
)
from themes.nlp.places import capital_mentions, dateline
from themes.nlp.spacy_pipeline import _BATCH_SIZE, _LOCK, _TAGGERS, _chunks, _release_if_large, pipeline
from themes.nlp.vocabulary import Vocabulary, seed_vocabulary

logger = logging.getLogger(__name__)

Family = Literal["country", "theme", "gcm_objective"]

#: A label is suggested when its score reaches this value (callers may pass their own).
THRESHOLD = 0.35
#: At most this many labels per family and document, best first.
MAX_LABELS: dict[str, int] = {"country": 10, "theme": 5, "gcm_objective": 6}
#: A mention in the title counts 2.5 times a mention in the body, one in the abstract 1.5 times.
LOCATION_WEIGHT: dict[str, float] = {"title": 2.5, "abstract": 1.5, "body": 1.0}
#: Body mentions are divided by sqrt(body tokens / this), so long documents need more mentions.
BODY_REFERENCE_TOKENS = 300
EXPLICIT_GCM_WEIGHT = 2.0
CONTEXT_GCM_WEIGHT = 1.5
DOCUMENT_GCM_WEIGHT = 1.0

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


Mentions = dict[tuple[str, str], list[tuple[int, float, int, int]]]


@dataclass
class Analysis:
    """A document measured: its passages, the rule matches and explicit references in each, and the
    classifier's scores for each. Decisions (themes.nlp.decisions) are made on this, so calibration
    can try many settings without reading the document again."""

    segments: list[Segment]
    mentions: Mentions = field(default_factory=lambda: defaultdict(list))
    references: Mentions = field(default_factory=lambda: defaultdict(list))
    scores: list[dict[str, float]] = field(default_factory=list)
    _raw: dict[tuple[str, str, float], list[float]] = field(default_factory=dict, repr=False)
    _parts: dict[tuple[str, str, float, float], LabelParts | None] = field(default_factory=dict, repr=False)

    def parts(self, family: str, code: str, calibration: Calibration) -> LabelParts | None:
        """The parts of a label's score (None when nothing at all points to it), cached per calibration."""
        label = label_of("theme" if family == "theme" else "gcm", code)
        threshold = calibration.threshold(label)
        key = (family, code, calibration.rule_weight, threshold)
        if key not in self._parts:
            raw = self.raw_scores(family, code, calibration)
            parts = label_parts(self.segments, raw, threshold) if max(raw, default=0.0) > 0.0 else None
            self._parts[key] = parts if parts is not None and (parts.best or parts.head or parts.coverage) else None
        return self._parts[key]

    def raw_scores(self, family: str, code: str, calibration: Calibration) -> list[float]:
        """Each passage's raw score for one label: classifier and rules mixed, explicit references first."""
        cache_key = (family, code, calibration.rule_weight)
        if cache_key not in self._raw:
            self._raw[cache_key] = self._raw_scores(family, code, calibration)
        return self._raw[cache_key]

    def _raw_scores(self, family: str, code: str, calibration: Calibration) -> list[float]:
        key = (family, code)
        label = label_of("theme" if family == "theme" else "gcm", code)
        rule_weight = [0.0] * len(self.segments)
        for index, weight, _s, _e in self.mentions.get(key, ()):
            rule_weight[index] += weight
        explicit = {i for i, w, _s, _e in self.references.get(key, ()) if w >= CONTEXT_GCM_WEIGHT}
        raw = []
        for index in range(len(self.segments)):
            rule = 1.0 - math.exp(-rule_weight[index])
            predicted = self.scores[index].get(label) if index < len(self.scores) else None
            if predicted is None:  # a label editors added after the model was trained: the rules alone
                raw.append(max(rule, 0.95) if index in explicit else rule)
            else:
                raw.append(passage_score(predicted, rule, index in explicit, calibration))
        return raw


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
        model: TrainedModel | None = None,
    ) -> list[Suggestion]:
        """Score every label of the document and return the ones from ``threshold`` up.

        With a trained model (the normal case) themes and objectives come from the classifier and
        the calibrated decisions in themes.nlp.decisions; without one, from the rules alone.
        """
        if model is not None:
            return self._suggest_with_model(pages, title, abstract, model, threshold)
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

    def _suggest_with_model(
        self, pages: Sequence[str], title: str, abstract: str, model: TrainedModel, threshold: float | None
    ) -> list[Suggestion]:
        analysis = self.analyse(pages, title, abstract, model)
        return self.decide(analysis, model.calibration, threshold)

    def analyse(self, pages: Sequence[str], title: str, abstract: str, model: TrainedModel) -> Analysis:
        """Everything measured on a document before any decision: passages, rule matches, classifier scores."""
        segments = cut_segments(pages, title, abstract)
        analysis = Analysis(segments=segments)
        if not segments:
            return analysis
        tuples: list[tuple[Where, int | None, str]] = [(s.where, s.page, s.text) for s in segments]
        with _LOCK:
            docs = list(self.nlp.pipe([s.text for s in segments], batch_size=_BATCH_SIZE))
            for index, doc in enumerate(docs):
                self._match(doc, index, analysis.mentions)
            analysis.scores = model.classifier.predict_docs(docs)
        self._match_objective_references(tuples, analysis.references)
        _release_if_large()
        return analysis

    def decide(
        self, analysis: Analysis, calibration: Calibration, threshold: float | None = None, *, evidence: bool = True
    ) -> list[Suggestion]:
        """The labels of an analysed document, scored so that the boundary is 0.5, from ``threshold`` up."""
        segments, mentions, references, scores = (
            analysis.segments,
            analysis.mentions,
            analysis.references,
            analysis.scores,
        )
        if not segments:
            return []
        decided: dict[tuple[str, str], LabelScore] = {}
        countries = {
            code: [(index, start) for index, _w, start, _e in found]
            for (family, code), found in mentions.items()
            if family == "country"
        }
        decided.update({("country", code): s for code, s in country_scores(segments, countries, calibration).items()})
        topic = topic_score(segments, [row.get(TOPIC_LABEL, 1.0) for row in scores], calibration)
        passage_mode = is_passage(segments)
        gated = topic < (calibration.passage_gate if passage_mode else calibration.document_gate)
        for family in ("theme", "gcm_objective"):
            family_scores: dict[str, LabelScore] = {}
            for code in self._codes(family):
                parts = analysis.parts(family, code, calibration)
                if parts is not None:
                    family_scores[code] = combine(parts, calibration)
            capped = rank_and_cap(
                family_scores,
                calibration.max_labels.get(family, 3),
                gated=gated,
                floor=None if passage_mode or family != "gcm_objective" else calibration.top_floor,
            )
            decided.update({(family, code): s for code, s in capped.items()})

        threshold = 0.0 if threshold is None else threshold
        suggestions: list[Suggestion] = []
        for family in ("country", "theme", "gcm_objective"):
            ranked = sorted(
                ((k[1], v) for k, v in decided.items() if k[0] == family),
                key=lambda kv: (-kv[1].score, _code_order(kv[0])),
            )
            for code, decision in ranked:
                if decision.score < threshold or decision.score <= 0.0:
                    continue
                quoted: list[Evidence] = []
                if evidence:
                    found = mentions.get((family, code), []) + references.get((family, code), [])
                    quoted = _segment_evidence(segments, decision.support, found)
                suggestions.append(Suggestion(family, code, round(decision.score, 4), quoted))  # type: ignore[arg-type]
        return suggestions

    def _codes(self, family: str) -> list[str]:
        if family == "theme":
            return sorted(t.slug for t in self.vocabulary.themes)
        return [str(o.number) for o in sorted(self.vocabulary.objectives, key=lambda o: o.number)]

    def _match(self, doc: Doc, index: int, mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]]) -> None:
        self._match_places(doc.text, index, mentions)
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
    def _match_places(
        text: str, index: int, mentions: dict[tuple[str, str], list[tuple[int, float, int, int]]]
    ) -> None:
        """A dateline ("DOHA, 3 May -") and capitals speaking for their governments ("Riyadh announced")."""
        found = list(capital_mentions(text))
        opening = dateline(text)
        if opening is not None:
            found.append(opening)
        seen: set[tuple[int, int]] = set()
        for code, start, end in found:
            if (start, end) not in seen:
                seen.add((start, end))
                mentions[("country", code)].append((index, 1.0, start, end))

    @staticmethod
    def _plausible_country(doc: Doc, start: int, end: int, target: _Target) -> bool:
        """Proper nouns are capitalised; "Jordan" next to a first name or surname is a person; "in Nepali"
        (a language) is no country."""
        if not any(_capitalised(tok.text) for tok in doc[start:end] if not tok.is_stop):
            return False
        if target.demonym and _is_language(doc, start, end):
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


def _capitalised(word: str) -> bool:
    """True for a capital first letter, and for scripts without case (नेपाल, ශ්‍රී ලංකාව, 日本)."""
    first = word[:1]
    return first.isupper() or (first.isalpha() and first == first.lower() == first.upper())


#: Words that are only languages: a demonym listed with them is a language too ("in Nepali, Urdu and Tagalog").
_LANGUAGES = frozenset(
    [
        "urdu",
        "tagalog",
        "hindi",
        "bengali",
        "bangla",
        "sinhala",
        "sinhalese",
        "tamil",
        "telugu",
        "malayalam",
        "punjabi",
        "pashto",
        "dari",
        "farsi",
        "arabic",
        "english",
        "french",
        "spanish",
        "portuguese",
        "russian",
        "bahasa",
        "malay",
        "khmer",
        "amharic",
        "swahili",
    ]
)
_LANGUAGE_CUES = frozenset({"in", "into", "speak", "speaks", "spoke", "spoken", "speaking", "language", "languages"})
_PHRASE_ENDS = frozenset({"and", "or", "by", "through", "only", "rather", "instead", "as", "with", "to", "for"})


def _is_language(doc: Doc, start: int, end: int) -> bool:
    """A demonym used as the name of a language: after "in"/"spoke", before "-language", or among languages."""
    before = [t.lower_ for t in doc[max(0, start - 6) : start] if not t.is_punct]
    after = [t.lower_ for t in doc[end : end + 3]]
    following = doc[end] if end < len(doc) else None
    # "in Nepali." or "spoke Nepali and Hindi" is the language; "in Nepali villages" the country.
    ends_phrase = following is None or following.is_punct or following.lower_ in _PHRASE_ENDS
    if before[-1:] and before[-1] in _LANGUAGE_CUES and ends_phrase:
        return True
    if after[:1] in (["-"], ["language"], ["languages"], ["speaker"], ["speakers"]) and (
        after[:1] != ["-"] or after[1:2] == ["language"]
    ):
        return True
    nearby = {t.lower_ for t in doc[max(0, start - 6) : end + 6]}
    return bool(nearby & _LANGUAGES)


def _segment_evidence(
    segments: Sequence[Segment], support: Sequence[int], found: Sequence[tuple[int, float, int, int]]
) -> list[Evidence]:
    """The supporting passages as quotations, each centred on a rule match in it when there is one."""
    evidence: list[Evidence] = []
    for index in support[:MAX_EVIDENCE]:
        segment = segments[index]
        spans = [(start, end) for i, _w, start, end in found if i == index]
        if spans:
            text = _passage(segment.text, *spans[0])
        else:
            text = (
                segment.text
                if len(segment.text) <= MAX_PASSAGE_CHARS
                else segment.text[: MAX_PASSAGE_CHARS - 1] + "\u2026"
            )
        evidence.append(Evidence(page=segment.page, text=text, where=segment.where))
    return evidence


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


# --- Cache and public entry points -------------------------------------------------------------
_TAGGER_CACHE_SIZE = 4


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
    model: TrainedModel | None = None,
) -> list[Suggestion]:
    """Suggest countries, themes and GCM objectives for a document given as page texts.

    ``model`` is the trained classifier with its calibration (themes.services.models.active_model());
    without it the rules alone score themes and objectives, as before any model was trained.
    """
    return get_tagger(vocabulary).suggest(pages, title, abstract, threshold, max_labels, model)
