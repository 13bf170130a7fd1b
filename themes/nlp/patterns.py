"""From a vocabulary to the terms the matchers are compiled from, and what each term weighs.

Every spelling of every country (taxonomy first, then ISO names and other common names),
phrases that block a country's match, keyword weights from word rarity, and the spelling
variants (British/American, hyphenated) each keyword also matches.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pycountry
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc

if TYPE_CHECKING:
    from themes.nlp.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

DEMONYM_WEIGHT = 0.8
ACRONYM_WEIGHT = 0.9

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
    "TW": (("Chinese Taipei",), ("Taiwanese",)),
    "UZ": ((), ("Uzbek",)),
    "KG": ((), ("Kyrgyz",)),
    "TJ": ((), ("Tajik",)),
    "KZ": ((), ("Kazakh",)),
    "TM": ((), ("Turkmen",)),
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
    "Chinese New Year",
    "Kuwait City",
    "Mexico City",
    "Panama City",
    "Guatemala City",
    "Gulf of Oman",
    "Thai Nguyen",
    "Lao Cai",
)
# Country names that are also first names or surnames: checked against their neighbours.
_NAME_LIKE = frozenset({"jordan", "chad", "georgia", "israel"})


# --- Terms and their weights ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Target:
    family: str  # "country", "theme", "gcm_objective" or "block"
    code: str
    weight: float
    name_like: bool = False
    demonym: bool = False


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
    # Acronyms are matched by their exact spelling, so every spelling of one is kept ("ROK", "RoK").
    spellings: dict[str, list[str]] = defaultdict(list)

    def key(term: str) -> str:
        return " ".join(term.split()).casefold()

    def add(term: str, target: _Target) -> None:
        k = key(term)
        surface.setdefault(k, term)
        if term not in spellings[k]:
            spellings[k].append(term)
        if target not in claimed.setdefault(k, []):
            claimed[k].append(target)

    def make(code: str, term: str, weight: float) -> _Target:
        return _Target("country", code, weight, key(term) in _NAME_LIKE, weight == DEMONYM_WEIGHT)

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
    for code, demonym in _iso_demonyms().items():
        for form in (demonym, _plural(demonym)):
            if form:
                others[key(form)].setdefault(code, (DEMONYM_WEIGHT, True))
                surface.setdefault(key(form), form)
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
    terms: dict[str, list[_Target]] = {}
    for k, targets in claimed.items():
        for term in spellings[k] if _is_acronym(surface[k]) else [surface[k]]:
            terms[term] = targets
    return terms


def _iso_demonyms() -> dict[str, str]:
    """One demonym per ISO country, from the countryinfo package ("Brazilian", "Moroccan")."""
    from countryinfo import all_countries

    found: dict[str, str] = {}
    for country in all_countries():
        info = country.info()
        code = (info.get("ISO") or {}).get("alpha2")
        demonym = info.get("demonym") or ""
        # Two-word or shared demonyms ("Congolese", "Dominican") are left to the taxonomy and the extras.
        if code and demonym and " " not in demonym and demonym.istitle():
            found.setdefault(code, demonym)
    shared = {d for d in found.values() if list(found.values()).count(d) > 1}
    return {code: d for code, d in found.items() if d not in shared}


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
