"""The visitor's query syntax, parsed by hand into an Elasticsearch bool query.

Syntax: words (all must match, in any field or on any page), "quoted phrases", -exclusions
(-word, -"a phrase") and OR between two terms. Brackets, stray quotes, lone minus signs,
repeated ORs, control characters and over-long input are not errors: they are dropped, so any
input gives an answer. Words and phrases are matched on the lemmatised fields (see
search.analysis) and expanded with the taxonomy's synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from elasticsearch.dsl import Q
from elasticsearch.dsl.query import Query

from search import analysis

MAX_QUERY_CHARS = 500
MAX_TERMS = 24
LONGEST_SYNONYM = 6

# Root fields searched for every term (lemmatised copies carry the recall, originals reward exact words).
LEMMA_FIELDS = ["title_lemma^6", "subtitle_lemma^3", "keywords_lemma^3", "abstract_lemma^2", "tags_lemma^2"]
ORIGINAL_FIELDS = ["title^3", "subtitle", "abstract", "authors^4", "institution^2", "keywords^2"]
PASSAGE_PATH = "pages"
PASSAGE_LEMMA = "pages.text_lemma"
PASSAGE_TEXT = "pages.text"

_TOKEN = re.compile(r'-*"[^"]*"|[^\s"()\[\]{}]+|"')
_OR = {"OR", "|", "||"}
_IGNORED = {"AND", "&&", "&", "+", "NOT"}
_QUOTE = '"'


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


STOP_WORDS = _stop_words()


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query; ``expanded`` marks a synonym the visitor did not type."""

    text: str
    phrase: bool = False
    expanded: bool = False

    @property
    def lemmas(self) -> tuple[str, ...]:
        return tuple(analysis.lemma_tokens(self.text))

    @property
    def is_phrase(self) -> bool:
        return self.phrase or len(self.lemmas) > 1


@dataclass
class ParsedQuery:
    """Groups that must all match (each group: terms joined by OR) and terms that must not."""

    raw: str = ""
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def expansions(self) -> list[str]:
        """Synonyms added to the query, for "also searched for" under the search box."""
        return [term.text for term in self.positive_terms if term.expanded]

    @property
    def typed_text(self) -> str:
        """The positive words and phrases as typed, without operators (for "did you mean")."""
        return " ".join(term.text for term in self.positive_terms if not term.expanded)

    @property
    def excluded_text(self) -> str:
        """The exclusions in query syntax (``-word -"a phrase"``), to carry over into a respelling."""
        return " ".join(f'-"{term.text}"' if term.is_phrase else f"-{term.text}" for term in self.excluded)


def clean_query(raw: str | None, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Drop control and format characters, collapse white space and cut over-long input."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in (raw or "")[: max_chars * 4])
    return " ".join(text.split())[:max_chars]


def parse_query(raw: str | None) -> ParsedQuery:
    """Parse the visitor's query; never raises, whatever the input."""
    text = clean_query(raw)
    parsed = ParsedQuery(raw=text)
    pending_or = False
    count = 0
    for token in _TOKEN.findall(text):
        if count >= MAX_TERMS:
            break
        if token in _OR:
            pending_or = bool(parsed.groups)
            continue
        if token in _IGNORED or token == _QUOTE:
            continue
        negated = token.startswith("-")
        body = token.lstrip("-+")
        phrase = len(body) >= 2 and body.startswith('"') and body.endswith('"')
        if phrase:
            body = body[1:-1].strip()
        term = Term(" ".join(body.split()), phrase=phrase)
        if not term.lemmas:  # punctuation only, a lone "-", an empty phrase
            continue
        count += 1
        if negated:
            parsed.excluded.append(term)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(term)
            pending_or = False
        else:
            parsed.groups.append([term])
    _drop_stop_words(parsed)
    _expand_synonyms(parsed)
    return parsed


def _drop_stop_words(parsed: ParsedQuery) -> None:
    """Single stop words ("of", "the") need not match when the query has other words."""

    def is_stop(group: list[Term]) -> bool:
        return len(group) == 1 and not group[0].phrase and all(lem in STOP_WORDS for lem in group[0].lemmas)

    if any(not is_stop(group) for group in parsed.groups):
        parsed.groups = [group for group in parsed.groups if not is_stop(group)]


def _expand_synonyms(parsed: ParsedQuery) -> None:
    """Add the taxonomy's other names of a term to its group ("PDO" OR "pre-departure orientation")."""
    table = analysis.synonyms()
    if not table or not parsed.groups:
        return
    merged: list[list[Term]] = []
    i = 0
    groups = parsed.groups
    while i < len(groups):
        # A run of single plain words ("pre departure orientation") can spell one taxonomy term.
        matched = False
        for length in range(min(LONGEST_SYNONYM, len(groups) - i), 1, -1):
            run = groups[i : i + length]
            if any(len(g) != 1 or g[0].phrase for g in run):
                continue
            key = tuple(lem for g in run for lem in g[0].lemmas)
            if key in table:
                phrase = Term(" ".join(g[0].text for g in run), phrase=True)
                merged.append([phrase] + [Term(s, phrase=True, expanded=True) for s in table[key]])
                i += length
                matched = True
                break
        if matched:
            continue
        group = list(groups[i])
        for term in groups[i]:
            for sibling in table.get(term.lemmas, []):
                candidate = Term(sibling, phrase=True, expanded=True)
                if all(candidate.lemmas != existing.lemmas for existing in group):
                    group.append(candidate)
        merged.append(group)
        i += 1
    parsed.groups = merged


def _term_query(term: Term) -> Query:
    """One term anywhere: root fields (lemmas and originals) or any page of the full text."""
    lemmas = " ".join(term.lemmas)
    if term.is_phrase:
        root = Q("multi_match", query=lemmas, fields=LEMMA_FIELDS, type="phrase")
        original = Q("multi_match", query=term.text, fields=ORIGINAL_FIELDS, type="phrase")
        passage = Q("match_phrase", **{PASSAGE_LEMMA: lemmas})
    else:
        root = Q("multi_match", query=lemmas, fields=LEMMA_FIELDS)
        original = Q("multi_match", query=term.text, fields=ORIGINAL_FIELDS)
        passage = Q("match", **{PASSAGE_LEMMA: lemmas})
    nested = Q("nested", path=PASSAGE_PATH, query=passage, score_mode="max")
    return Q("bool", should=[root, original, nested], minimum_should_match=1)


def _passage_query(term: Term) -> Query:
    lemmas = " ".join(term.lemmas)
    if term.is_phrase:
        return Q("match_phrase", **{PASSAGE_LEMMA: lemmas})
    return Q("match", **{PASSAGE_LEMMA: lemmas})


def build_query(parsed: ParsedQuery, *, passages: int = 3) -> Query:
    """The bool query for a parsed query, with the best pages returned as inner hits."""
    if parsed.is_empty:
        return Q("match_all")
    must = [
        _term_query(group[0]) if len(group) == 1 else Q("bool", should=[_term_query(t) for t in group])
        for group in parsed.groups
    ]
    must_not = [_term_query(term) for term in parsed.excluded]
    should: list[Query] = []
    typed = [t for t in parsed.positive_terms if not t.expanded]
    if len(typed) > 1:
        # Title boosting: the whole query as a phrase in the title ranks first.
        whole = " ".join(lem for t in typed for lem in t.lemmas)
        should.append(Q("match_phrase", title_lemma={"query": whole, "slop": 2, "boost": 8}))
    if parsed.groups and passages:
        should.append(
            Q(
                "nested",
                path=PASSAGE_PATH,
                score_mode="max",
                query=Q("bool", should=[_passage_query(t) for t in parsed.positive_terms]),
                inner_hits={
                    "name": "passages",
                    "size": passages,
                    "_source": False,
                    "docvalue_fields": ["pages.number", "pages.seconds"],
                    "highlight": {
                        "encoder": "html",
                        "pre_tags": ["<mark>"],
                        "post_tags": ["</mark>"],
                        # The page text is stored but not indexed: the terms to mark come from a
                        # query on the lemma field, holding the original spellings of each word. The
                        # highlighter re-analyses the stored text, so span (phrase) queries still
                        # apply by position there.
                        "require_field_match": False,
                        "fields": {
                            PASSAGE_TEXT: {
                                "type": "unified",
                                "fragment_size": 180,
                                "number_of_fragments": 1,
                                "no_match_size": 0,
                                "highlight_query": highlight_query(parsed, PASSAGE_LEMMA).to_dict(),
                            }
                        },
                    },
                },
            )
        )
    return Q("bool", must=must or [Q("match_all")], must_not=must_not, should=should)


def _span_for(field_name: str, text: str) -> dict | None:
    """A span query matching the phrase in any inflection of each word (for highlighting).

    Stop words inside the phrase are left out of the clauses (the slop keeps their places), so
    "federal democratic republic of nepal" marks the country's name but never its "of".
    """
    tokens = analysis.words(text)
    content = [word for word in tokens if word not in STOP_WORDS] or tokens
    clauses = [
        {"span_or": {"clauses": [{"span_term": {field_name: f}} for f in sorted(analysis.surface_forms(word))]}}
        for word in content
    ]
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    first, last = tokens.index(content[0]), len(tokens) - 1 - tokens[::-1].index(content[-1])
    gaps = (last - first + 1) - len(content)
    return {"span_near": {"clauses": clauses, "slop": gaps, "in_order": True}}


def highlight_query(parsed: ParsedQuery, field_name: str) -> Query:
    """What to mark in an original-text field: every inflection of the query's words and synonyms.

    Phrases (typed, or a multi-word synonym) are marked only where they stand whole, so the
    "Republic" of "Republic of Korea" is not marked for a Nepal query.
    """
    should: list[Query] = []
    for term in parsed.positive_terms:
        if term.is_phrase:
            span = _span_for(field_name, term.text)
            if span:
                should.append(Q(span))
        else:
            forms = set()
            for word in analysis.words(term.text):
                forms |= analysis.surface_forms(word)
            if forms:
                should.append(Q("terms", **{field_name: sorted(forms)}))
    return Q("bool", should=should or [Q("match_none")])
