"""Facet values and their labels: countries, themes, GCM objectives, types and languages.

Read from the database once per process and kept for a few minutes (editors rarely change the
taxonomy; when they do, the search app's signal receivers clear this cache).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pycountry

CACHE_SECONDS = 300

PUBLICATION_TYPES = {
    "research_paper": "Research paper",
    "working_paper": "Working paper",
    "policy_brief": "Policy brief",
    "report": "Report",
    "book_chapter": "Book chapter",
}
TYPE_LABELS = {**PUBLICATION_TYPES, "lecture": "Lecture"}


@dataclass
class Taxonomy:
    """Codes and display names of everything a search can be filtered by."""

    countries: dict[str, str] = field(default_factory=dict)  # alpha-2 -> name
    themes: dict[str, str] = field(default_factory=dict)  # slug -> name
    gcm: dict[str, str] = field(default_factory=dict)  # "21" -> official title
    # Autocomplete: lowercased display name -> (family, code).
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def label(self, facet: str, value: str) -> str:
        """The human name of a facet value ("NP" -> "Nepal")."""
        value = str(value)
        if facet == "country":
            return self.countries.get(value, value)
        if facet == "theme":
            return self.themes.get(value, value)
        if facet == "gcm":
            title = self.gcm.get(value)
            return f"{value}. {title}" if title else f"Objective {value}"
        if facet == "type":
            return TYPE_LABELS.get(value, value.replace("_", " ").capitalize())
        if facet == "language":
            return language_name(value)
        return value


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("ne" -> "Nepali")."""
    record = pycountry.languages.get(alpha_2=code) if code and len(code) == 2 else None
    return record.name if record else code


def is_language_code(code: str) -> bool:
    return bool(code) and len(code) == 2 and pycountry.languages.get(alpha_2=code.lower()) is not None


def _load() -> Taxonomy:
    from themes.models import Country, GCMObjective, Theme

    taxonomy = Taxonomy()
    for country in Country.objects.all():
        taxonomy.countries[country.alpha2] = country.name
        taxonomy.names[country.name.lower()] = ("country", country.alpha2)
    for theme in Theme.objects.all():
        taxonomy.themes[theme.slug] = theme.name
        taxonomy.names[theme.name.lower()] = ("theme", theme.slug)
    for objective in GCMObjective.objects.all():
        taxonomy.gcm[str(objective.number)] = objective.title
    return taxonomy


_lock = threading.Lock()
_cached: tuple[float, Taxonomy] | None = None


def get_taxonomy() -> Taxonomy:
    """The current taxonomy (cached for a few minutes per process)."""
    global _cached
    now = time.monotonic()
    with _lock:
        if _cached and now - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    taxonomy = _load()
    with _lock:
        _cached = (now, taxonomy)
    return taxonomy


def clear_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def pages_tagged_with(term) -> list[int]:
    """Ids of indexed pages tagged with a country, theme or objective (to refresh their names)."""
    from search.builders import indexed_types
    from themes.models import Country, GCMObjective, Theme

    lookup = {Country: "country_tags__country", Theme: "theme_tags__theme", GCMObjective: "gcm_tags__objective"}
    path = lookup.get(type(term))
    if path is None or term.pk is None:
        return []
    ids: set[int] = set()
    for indexed in indexed_types():
        ids.update(indexed.model.objects.live().filter(**{path: term.pk}).values_list("pk", flat=True))
    return sorted(ids)
