"""The starting taxonomy as data: countries, themes and GCM objectives in the JSON files beside this module.

Read by the themes data migrations (0002, 0005) and by ``themes.nlp.Vocabulary.from_seed()``. This
module must never import Django or the models: migrations import it, and must stay importable
however the models change. Editors extend the vocabulary in the admin afterwards; a change here
reaches an existing database only through a new data migration.

Conventions the tagger relies on:

- Country aliases are other names of the *state* (official names, short forms, acronyms,
  former names still in use, the name in the country's own script). Cities and regions are never
  aliases ("Dubai", "Kerala", "Java", "the Gulf" tag nothing), so one rule holds for every country.
- Demonyms are the adjectives/nouns for nationals ("Nepali", "Filipina"); the tagger adds
  regular plurals itself ("Nepalis", "Filipinas").
- Theme and objective keywords are matched on lemmas, case-insensitively, so list the base
  form once ("recruitment fee" also finds "Recruitment Fees"). Acronyms written with capitals
  ("PDO", "MoU", "GBV") are matched case-sensitively so that ordinary words do not collide.
- Prefer specific phrases over single common words: a keyword is evidence that a passage is
  *about* the label, and one found in several labels counts for less in each.
- countries.json lists the Colombo Process member states first, then the main destinations;
  the order is the order the migration creates the rows in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict, cast

DATA_DIR = Path(__file__).resolve().parent


class CountryRow(TypedDict):
    alpha2: str
    name: str
    aliases: list[str]
    demonyms: list[str]
    colombo_process_member: bool
    main_destination: bool


class ThemeRow(TypedDict):
    slug: str
    name: str
    description: str
    keywords: list[str]


class ObjectiveRow(TypedDict):
    number: int
    title: str
    description: str
    keywords: list[str]


class SeedDataError(ValueError):
    """A seed data file that cannot be read as the rows its loader promises."""


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


_CHECKS: dict[type, dict[str, Any]] = {
    CountryRow: {
        "alpha2": lambda v: isinstance(v, str) and len(v) == 2,
        "name": lambda v: isinstance(v, str) and bool(v),
        "aliases": _is_str_list,
        "demonyms": _is_str_list,
        "colombo_process_member": lambda v: isinstance(v, bool),
        "main_destination": lambda v: isinstance(v, bool),
    },
    ThemeRow: {
        "slug": lambda v: isinstance(v, str) and bool(v),
        "name": lambda v: isinstance(v, str) and bool(v),
        "description": lambda v: isinstance(v, str),
        "keywords": _is_str_list,
    },
    ObjectiveRow: {
        # bool is an int in Python: refuse it, "number": true is a typo, not objective 1.
        "number": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "title": lambda v: isinstance(v, str) and bool(v),
        "description": lambda v: isinstance(v, str),
        "keywords": _is_str_list,
    },
}


def read_rows(path: Path, row_type: type) -> list[Any]:
    """The rows of one seed file, checked against ``row_type``; SeedDataError names the file and row."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SeedDataError(f"{path.name}: cannot be read as JSON ({exc})") from exc
    if not isinstance(rows, list):
        raise SeedDataError(f"{path.name}: expected a list of rows, found {type(rows).__name__}")
    checks = _CHECKS[row_type]
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise SeedDataError(f"{path.name}, row {index}: expected an object, found {type(row).__name__}")
        missing = [key for key in checks if key not in row]
        if missing:
            raise SeedDataError(f"{path.name}, row {index}: missing {', '.join(missing)}")
        # An unknown key is most often a misspelt known one, whose value would be silently lost.
        unknown = sorted(set(row) - set(checks))
        if unknown:
            raise SeedDataError(f"{path.name}, row {index}: unknown {', '.join(unknown)}")
        wrong = [key for key, check in checks.items() if not check(row[key])]
        if wrong:
            raise SeedDataError(f"{path.name}, row {index}: wrong type or empty value for {', '.join(wrong)}")
    return rows


def countries() -> list[CountryRow]:
    """The seed countries, in the order the migration creates them."""
    return cast(list[CountryRow], read_rows(DATA_DIR / "countries.json", CountryRow))


def themes() -> list[ThemeRow]:
    """The seed themes, in the order the migration creates them."""
    return cast(list[ThemeRow], read_rows(DATA_DIR / "themes.json", ThemeRow))


def gcm_objectives() -> list[ObjectiveRow]:
    """The 23 GCM objectives with descriptions and keywords, in order."""
    return cast(list[ObjectiveRow], read_rows(DATA_DIR / "gcm_objectives.json", ObjectiveRow))
