"""The evaluation metrics on tiny hand-computed examples, and the checks on gold input."""

from __future__ import annotations

import json

import pytest

from themes.evaluation import (
    EvaluationInputError,
    FamilyCounts,
    evaluate,
    normalise_gold,
    precision_recall_f1,
    read_gold_file,
    score_family,
)
from themes.nlp import Vocabulary


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_seed()


def test_precision_recall_f1_from_counts():
    assert precision_recall_f1(2, 1, 1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert precision_recall_f1(3, 1, 0) == pytest.approx((0.75, 1.0, 2 * 0.75 / 1.75))
    # Nothing predicted: no false positive, so precision 1; recall 0; F1 0.
    assert precision_recall_f1(0, 0, 4) == (1.0, 0.0, 0.0)
    # Nothing to find and nothing found: perfect.
    assert precision_recall_f1(0, 0, 0) == (1.0, 1.0, 1.0)
    assert precision_recall_f1(0, 2, 0) == (0.0, 1.0, 0.0)


def test_micro_and_macro_by_hand():
    pairs = [
        ({"NP", "IN"}, {"NP"}),  # NP tp, IN fn
        ({"BD"}, {"BD", "PK"}),  # BD tp, PK fp
        (set(), {"QA"}),  # QA fp
        (set(), set()),  # counts as a line, changes nothing
    ]
    result = score_family(pairs)
    # tp=2, fp=2, fn=1 -> P=1/2, R=2/3, F1=2PR/(P+R)=4/7
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(4 / 7)
    # Per label F1: NP 1, BD 1, IN 0, PK 0, QA 0 -> mean 2/5
    assert result["macro_f1"] == pytest.approx(0.4)


def test_macro_counts_a_label_across_lines():
    counts = FamilyCounts()
    counts.add({"20"}, {"20"})
    counts.add({"20"}, set())
    counts.add(set(), {"6"})
    # 20: tp1 fn1 -> F1 2/3; 6: fp1 -> 0; macro 1/3. Micro: tp1 fp1 fn1 -> 1/2.
    metrics = counts.metrics()
    assert metrics["macro_f1"] == pytest.approx(1 / 3)
    assert metrics["f1"] == pytest.approx(0.5)
    assert counts.lines == 3


def test_empty_family_scores_one():
    assert score_family([]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "macro_f1": 1.0}


def test_evaluate_end_to_end_and_missing_families(vocabulary):
    lines = [
        {"text": "Nepali workers in Qatar paid recruitment fees.", "countries": ["NP", "QA"], "themes": []},
        {"text": "Workers from Kuwait.", "countries": ["KW", "OM"]},
        {"text": "Nothing to see here.", "gcm_objectives": []},
    ]
    result = evaluate(lines, vocabulary)
    # countries: tp=3 (NP, QA, KW), fn=1 (OM), fp=0
    assert result["countries"]["precision"] == pytest.approx(1.0)
    assert result["countries"]["recall"] == pytest.approx(0.75)
    assert result["countries"]["lines"] == 2
    # themes scored on line 1 only, where fair-recruitment is a false positive against an empty gold list
    assert result["themes"]["lines"] == 1
    assert result["themes"]["fp"] == 1 and result["themes"]["precision"] == 0.0
    assert result["gcm_objectives"]["lines"] == 1
    assert result["gcm_objectives"]["f1"] == 1.0


def test_objectives_may_be_ints_or_digit_strings(vocabulary):
    gold = normalise_gold({"text": "x", "gcm_objectives": [21, "6"]}, vocabulary)
    assert gold["gcm_objectives"] == {"21", "6"}
    assert normalise_gold({"text": "x", "countries": ["np"]}, vocabulary)["countries"] == {"NP"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"text": "x", "countries": ["XX"]}, "unknown country 'XX'"),
        ({"text": "x", "themes": ["kafala"]}, "unknown theme 'kafala'"),
        ({"text": "x", "gcm_objectives": [24]}, "unknown GCM objective 24"),
        ({"text": "x", "gcm_objectives": [True]}, "unknown GCM objective True"),
        ({"text": "x", "countries": "NP"}, '"countries" must be a list'),
        ({"countries": []}, '"text" must be a string'),
        (["not", "an", "object"], "expected a JSON object"),
    ],
)
def test_bad_lines_are_named(vocabulary, line, message):
    with pytest.raises(EvaluationInputError, match="line 1: ") as excinfo:
        evaluate([line], vocabulary)
    assert message in str(excinfo.value)


def test_read_gold_file(tmp_path, vocabulary):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": "Nepal", "countries": ["NP"]}) + "\n\n" + json.dumps({"text": "y"}) + "\n")
    assert [line["text"] for line in read_gold_file(path, vocabulary)] == ["Nepal", "y"]

    path.write_text(json.dumps({"text": "ok"}) + "\n{broken\n")
    with pytest.raises(EvaluationInputError, match=r"line 2: invalid JSON"):
        read_gold_file(path, vocabulary)

    path.write_text("\n" + json.dumps({"text": "ok", "themes": ["nope"]}) + "\n")
    with pytest.raises(EvaluationInputError, match=r"line 2: unknown theme 'nope'"):
        read_gold_file(path, vocabulary)

    with pytest.raises(EvaluationInputError, match="no such file"):
        read_gold_file(tmp_path / "missing.jsonl", vocabulary)

    path.write_text("\n\n")
    with pytest.raises(EvaluationInputError, match="no gold lines"):
        read_gold_file(path, vocabulary)
