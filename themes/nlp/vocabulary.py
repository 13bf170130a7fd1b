"""What the tagger matches: the taxonomy's countries, themes and GCM objectives as plain data.

A Vocabulary comes from the seed data (no database) or from the database as editors keep it;
its fingerprint keys every cache built from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cached_property

from themes import data as seed


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
        """The starting vocabulary in the seed data files, themes/data/ (no database needed)."""
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
                for c in seed.countries()
            ),
            themes=tuple(ThemeTerms(t["slug"], t["name"], _terms(t.get("keywords", ()))) for t in seed.themes()),
            objectives=tuple(
                ObjectiveTerms(int(o["number"]), o["title"], _terms(o.get("keywords", ())))
                for o in seed.gcm_objectives()
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


_SEED: Vocabulary | None = None


def seed_vocabulary() -> Vocabulary:
    """The seed vocabulary, built once per process."""
    global _SEED
    if _SEED is None:
        _SEED = Vocabulary.from_seed()
    return _SEED
