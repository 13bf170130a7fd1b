"""The taxonomy seed as data files: the migrations create exactly the rows the files describe.

The data files replaced themes/seed_data.py; these tests pin that the migrations, which now read
the files, still build every country, alias, theme and GCM objective field for field.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest

from themes import data as seed
from themes.models import Country, GCMObjective, Theme

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_create_every_country_as_the_data_file_says():
    expected = {
        row["alpha2"]: {
            "alpha3": pycountry.countries.get(alpha_2=row["alpha2"]).alpha_3,
            "name": row["name"],
            "iso_name": pycountry.countries.get(alpha_2=row["alpha2"]).name,
            "aliases": "\n".join(row["aliases"]),
            "demonyms": "\n".join(row["demonyms"]),
            "colombo_process_member": row["colombo_process_member"],
            "main_destination": row["main_destination"],
        }
        for row in seed.countries()
    }
    fields = ["alpha2", *next(iter(expected.values()))]
    rows = list(Country.objects.order_by("id").values(*fields))
    assert {row.pop("alpha2"): row for row in rows} == expected
    # The migration creates the rows in the file's order, as it did from seed_data.py.
    assert list(Country.objects.order_by("id").values_list("alpha2", flat=True)) == list(expected)
    assert len(expected) == 26


@pytest.mark.django_db
def test_every_alias_and_demonym_reaches_the_database_in_order():
    by_code = {c.alpha2: c for c in Country.objects.all()}
    for row in seed.countries():
        assert by_code[row["alpha2"]].aliases.splitlines() == row["aliases"]
        assert by_code[row["alpha2"]].demonyms.splitlines() == row["demonyms"]
    assert sum(len(row["aliases"]) for row in seed.countries()) > 26  # every country has at least one


@pytest.mark.django_db
def test_migrations_create_every_theme_as_the_data_file_says():
    expected = [
        {"slug": t["slug"], "name": t["name"], "description": t["description"], "keywords": "\n".join(t["keywords"])}
        for t in seed.themes()
    ]
    assert list(Theme.objects.order_by("id").values("slug", "name", "description", "keywords")) == expected
    assert len(expected) == 15


@pytest.mark.django_db
def test_migrations_create_every_gcm_objective_as_the_data_file_says():
    expected = [
        {
            "number": o["number"],
            "title": o["title"],
            "description": o["description"],
            "keywords": "\n".join(o["keywords"]),
        }
        for o in seed.gcm_objectives()
    ]
    rows = list(GCMObjective.objects.order_by("id").values("number", "title", "description", "keywords"))
    assert rows == expected
    assert [o["number"] for o in expected] == list(range(1, 24))


def test_the_loader_needs_neither_django_nor_the_models():
    """Migrations import the loader, so it must import on its own, forever."""
    code = (
        "import sys; from themes import data; "
        "assert len(data.countries()) == 26 and len(data.themes()) == 15 and len(data.gcm_objectives()) == 23; "
        "assert not any(m == 'django' or m.startswith(('django.', 'themes.models')) for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith(('django', 'themes')))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "countries.json: cannot be read as JSON"),
        ('{"alpha2": "NP"}', "countries.json: expected a list of rows, found dict"),
        ('["NP"]', "countries.json, row 1: expected an object, found str"),
        ('[{"alpha2": "NP", "name": "Nepal"}]', "countries.json, row 1: missing aliases, demonyms"),
        (
            '[{"alpha2": "NP", "name": "Nepal", "aliases": [], "demonyms": [], "colombo_process_member": true,'
            ' "main_destination": false, "alias": ["Nepal Rajya"]}]',
            "countries.json, row 1: unknown alias",
        ),
        (
            '[{"alpha2": "NPL", "name": "Nepal", "aliases": "Nepal Rajya", "demonyms": [],'
            ' "colombo_process_member": "yes", "main_destination": false}]',
            "countries.json, row 1: wrong type or empty value for alpha2, aliases, colombo_process_member",
        ),
    ],
)
def test_a_broken_data_file_is_refused_with_its_name_and_row(tmp_path, content, message):
    path = tmp_path / "countries.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(seed.SeedDataError, match="^" + re.escape(message)):
        seed.read_rows(path, seed.CountryRow)


def test_an_objective_number_must_be_a_number(tmp_path):
    path = tmp_path / "gcm_objectives.json"
    row = {"number": True, "title": "Collect data", "description": "", "keywords": []}
    path.write_text(json.dumps([row]), encoding="utf-8")
    with pytest.raises(seed.SeedDataError, match="row 1: wrong type or empty value for number"):
        seed.read_rows(path, seed.ObjectiveRow)
    path.write_text(json.dumps([{**row, "number": 1}]), encoding="utf-8")
    assert seed.read_rows(path, seed.ObjectiveRow)[0]["number"] == 1
