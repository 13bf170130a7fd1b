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
    # Autocomplete: (lowercased name, alias or demonym, family, code, display name).
    names: list[tuple[str, str, str, str]] = field(default_factory=list)

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

    def complete(self, prefix: str, *, limit: int = 4) -> list[dict]:
        """Countries, themes and objectives one of whose words (or names) starts with ``prefix``."""
        from django.urls import reverse

        wanted = prefix.lower().strip()
        found: dict[tuple[str, str], tuple[int, str]] = {}
        for name, family, code, label in self.names:
            if name.startswith(wanted):
                rank = 0
            elif any(word.startswith(wanted) for word in name.split()):
                rank = 1
            else:
                continue
            key = (family, code)
            if key not in found or rank < found[key][0]:
                found[key] = (rank, label)
        ordered = sorted(found.items(), key=lambda item: (item[1][0], item[1][1]))[:limit]
        routes = {"country": "themes:country", "theme": "themes:theme", "gcm": "themes:gcm"}
        return [
            {
                "label": label,
                "kind": family,
                "url": reverse(routes[family], args=[code.lower() if family == "country" else code]),
            }
            for (family, code), (_, label) in ordered
        ]


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
        for name in [country.name, *country.alias_list, *country.demonym_list]:
            taxonomy.names.append((name.lower(), "country", country.alpha2, country.name))
    for theme in Theme.objects.all():
        taxonomy.themes[theme.slug] = theme.name
        taxonomy.names.append((theme.name.lower(), "theme", theme.slug, theme.name))
    for objective in GCMObjective.objects.all():
        taxonomy.gcm[str(objective.number)] = objective.title
        label = f"GCM objective {objective.number}: {objective.title}"
        taxonomy.names.append((objective.title.lower(), "gcm", str(objective.number), label))
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
