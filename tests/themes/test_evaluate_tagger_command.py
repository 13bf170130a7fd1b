"""`manage.py evaluate_tagger` against the seeded taxonomy (needs the database, so pytest-django)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

if not settings.configured:  # run without pytest-django (-p no:django): nothing to test here
    pytest.skip("needs pytest-django and the database", allow_module_level=True)

from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
DEV = Path(__file__).parent / "data" / "tagger_dev.jsonl"


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_tagger", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_output_is_one_object_with_the_agreed_keys(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": "Nepali workers in Qatar.", "countries": ["NP", "QA"]}) + "\n")
    payload = json.loads(run(str(path), "--json"))
    assert set(payload) == {"countries", "themes", "gcm_objectives"}
    assert all(set(m) == {"precision", "recall", "f1", "macro_f1"} for m in payload.values())
    assert payload["countries"]["f1"] == 1.0


def test_table_on_the_dev_set():
    out = run(str(DEV))
    assert "countries" in out and "gcm_objectives" in out and "macro F1" in out


def test_bad_input_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{oops\n')
    with pytest.raises(CommandError, match="line 2: invalid JSON"):
        run(str(bad))
    bad.write_text('{"text": "ok", "countries": ["ZZ"]}\n')
    with pytest.raises(CommandError, match="line 1: unknown country 'ZZ'"):
        run(str(bad))
