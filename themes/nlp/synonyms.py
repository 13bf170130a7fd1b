"""Query expansion: every country or theme term, lemmatised, with the other terms of its label."""

from __future__ import annotations

import pycountry

from themes.nlp.patterns import _plural
from themes.nlp.spacy_pipeline import lemmatize_many
from themes.nlp.vocabulary import Vocabulary, seed_vocabulary

_EXPANSIONS: dict[str, dict[str, list[str]]] = {}

#: Groupings a query may name instead of countries: each expands to its members' names (one way only,
#: so a search for "Qatar" does not find every text that says "the Gulf").
GULF_STATES = ("SA", "AE", "QA", "KW", "OM", "BH")
REGIONS: dict[str, tuple[str, ...]] = {
    "GCC": GULF_STATES,
    "Gulf Cooperation Council": GULF_STATES,
    "Gulf": GULF_STATES,
    "Gulf states": GULF_STATES,
    "Gulf countries": GULF_STATES,
}


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
    names = {c.alpha2: c.name for c in vocabulary.countries}
    region_terms = list(REGIONS)
    for term, lemma in zip(region_terms, lemmatize_many(region_terms), strict=True):
        members = [lemmatize_many([names[code]])[0] for code in REGIONS[term] if code in names]
        siblings = expansions.setdefault(lemma, [])
        siblings += [m for m in members if m and m not in siblings]
    _EXPANSIONS[vocabulary.fingerprint] = expansions
    return expansions
