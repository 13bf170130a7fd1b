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

The modules: ``vocabulary`` (what is matched), ``spacy_pipeline`` (the shared pipeline,
lemmatize), ``patterns`` (terms, their spellings and weights), ``tagger`` (matching, scoring,
suggest_tags), ``evidence`` (passages) and ``synonyms`` (query expansion for search).
"""

from themes.nlp.evidence import MAX_EVIDENCE, MAX_PASSAGE_CHARS, Evidence, Where
from themes.nlp.patterns import ACRONYM_WEIGHT, COUNTRY_BLOCKERS, DEMONYM_WEIGHT, EXTRA_COUNTRY_TERMS
from themes.nlp.spacy_pipeline import (
    MAX_STRINGS,
    LowercaseLookupLemmatizer,
    lemmatize,
    lemmatize_many,
    make_lemmatizer,
    pipeline,
)
from themes.nlp.synonyms import synonym_expansions
from themes.nlp.tagger import (
    BODY_REFERENCE_TOKENS,
    CONTEXT_GCM_WEIGHT,
    DOCUMENT_GCM_WEIGHT,
    EXPLICIT_GCM_WEIGHT,
    LOCATION_WEIGHT,
    MAX_LABELS,
    THRESHOLD,
    Family,
    Suggestion,
    Tagger,
    get_tagger,
    suggest_tags,
)
from themes.nlp.vocabulary import CountryTerms, ObjectiveTerms, ThemeTerms, Vocabulary, seed_vocabulary

__all__ = [
    "ACRONYM_WEIGHT",
    "BODY_REFERENCE_TOKENS",
    "CONTEXT_GCM_WEIGHT",
    "COUNTRY_BLOCKERS",
    "DEMONYM_WEIGHT",
    "DOCUMENT_GCM_WEIGHT",
    "EXPLICIT_GCM_WEIGHT",
    "EXTRA_COUNTRY_TERMS",
    "LOCATION_WEIGHT",
    "MAX_EVIDENCE",
    "MAX_LABELS",
    "MAX_PASSAGE_CHARS",
    "MAX_STRINGS",
    "THRESHOLD",
    "CountryTerms",
    "Evidence",
    "Family",
    "LowercaseLookupLemmatizer",
    "ObjectiveTerms",
    "Suggestion",
    "Tagger",
    "ThemeTerms",
    "Vocabulary",
    "Where",
    "get_tagger",
    "lemmatize",
    "lemmatize_many",
    "make_lemmatizer",
    "pipeline",
    "seed_vocabulary",
    "suggest_tags",
    "synonym_expansions",
]
