"""The trained tagger's decisions: what a passage and a document are about, the off-topic gate, countries.

These run the real model (trained on the corpus, installed once per run by the ``tagger_model``
fixture) on texts written for the tests, and the decision functions on numbers.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from themes.nlp import suggest_tags
from themes.nlp.decisions import (
    BELOW,
    BOUNDARY,
    Calibration,
    LabelScore,
    country_scores,
    normalise,
    rank_and_cap,
)
from themes.nlp.passages import Segment, segments

# The model lives in the test database (installed by the session's tagger_model fixture).
pytestmark = pytest.mark.django_db

TAX_FORM = [
    "Annual return of income for individuals. Part 3: Pensions and annuities. Enter the gross amount of pensions "
    "received from employers' pension schemes and personal pensions during the tax year. Do not include the state "
    "pension, which goes in box 14. A lump sum taken from a pension scheme is entered in box 15.",
    "Part 4: Deductions. Contributions to registered pension schemes are deductible up to the annual allowance. "
    "Keep your receipts for six years. Sign the declaration on the last page; an unsigned return is not valid "
    "and a penalty applies to returns filed after 31 July.",
]
AIRCRAFT_RULE = [
    "Rule 121.15 Emergency equipment. Every aeroplane with more than 19 passenger seats carries portable fire "
    "extinguishers and an emergency medical kit. Cabin crew are trained in emergency evacuation at least once "
    "every twelve months, including slides and life rafts for flights over water.",
    "The operator keeps a crisis response plan for accidents and serious incidents, with contact points for the "
    "authority and for the families of passengers. Training records are kept for three years.",
]
RECRUITMENT_PAPER = [
    "Introduction. Nepali workers bound for Qatar and Malaysia told us they paid recruitment fees of up to "
    "1,500 dollars to agents in Kathmandu, although the law of Nepal says employers should pay them.",
    "Most of the men borrowed the money at high interest from local lenders. Sub-agents in the villages took a "
    "share of every fee, and several workers found on arrival that their contracts had been replaced.",
    "Recommendations. Licensing of recruitment agencies should be enforced and the employer pays principle "
    "written into bilateral agreements. References: studies of Bangladesh, India, Pakistan, Sri Lanka and "
    "the Philippines were consulted.",
]


def codes(suggestions, family: str) -> set[str]:
    return {s.code for s in suggestions if s.family == family and s.score >= BOUNDARY}


# --- with the trained model --------------------------------------------------------------------


@pytest.mark.parametrize(("pages", "title"), [(TAX_FORM, "Income tax return"), (AIRCRAFT_RULE, "Air operations")])
def test_off_topic_documents_get_no_theme_or_objective(tagger_model, pages, title):
    found = suggest_tags(pages, title=title, model=tagger_model)
    assert not codes(found, "theme") and not codes(found, "gcm_objective")
    assert all(s.score < BOUNDARY for s in found if s.family != "country")


def test_a_document_gets_what_it_is_about_and_countries_named_in_passing_are_suggestions(tagger_model):
    found = suggest_tags(
        RECRUITMENT_PAPER, title="Recruitment fees paid by Nepali workers", abstract="", model=tagger_model
    )
    assert "6" in codes(found, "gcm_objective") and "fair-recruitment" in codes(found, "theme")
    assert len(codes(found, "gcm_objective")) <= tagger_model.calibration.max_labels["gcm_objective"]
    assert "NP" in codes(found, "country")  # in the title and all through
    suggested = {s.code: s.score for s in found if s.family == "country"}
    assert {"BD", "IN", "PK", "LK", "PH"} <= set(suggested)  # named once, in a list of references
    assert all(suggested[code] < BOUNDARY for code in ("BD", "IN", "PK", "LK", "PH"))


def test_every_applied_label_comes_with_evidence_and_page_numbers(tagger_model):
    found = suggest_tags(RECRUITMENT_PAPER, title="Recruitment fees paid by Nepali workers", model=tagger_model)
    for suggestion in found:
        if suggestion.score >= BOUNDARY:
            assert suggestion.evidence, suggestion
            assert all(e.page in (1, 2, 3) for e in suggestion.evidence if e.where == "body")


def test_a_country_named_once_in_a_passage_is_a_country_of_that_passage(tagger_model):
    text = "Employers in Malaysia recruited workers from Nepal, Bangladesh, Myanmar and Indonesia last year."
    assert codes(suggest_tags([text], model=tagger_model), "country") == {"MY", "NP", "BD", "MM", "ID"}


def test_an_explicit_reference_to_an_objective_is_applied(tagger_model):
    text = "The project contributes to GCM Objective 19 by helping returnees invest their savings at home."
    assert "19" in codes(suggest_tags([text], model=tagger_model), "gcm_objective")


def test_a_paraphrase_without_the_keyword_is_found(tagger_model):
    text = "Most of the money the men earned in Dubai went home every month to pay for their children's school fees."
    assert "remittances" in codes(suggest_tags([text], model=tagger_model), "theme")


def test_a_title_alone_tells_too_little(tagger_model):
    assert not [s for s in suggest_tags([], title="A working paper", model=tagger_model) if s.family != "country"]


# --- the decisions on numbers ------------------------------------------------------------------


def test_normalise_puts_each_threshold_on_the_boundary():
    assert normalise(0.2, 0.2) == BOUNDARY
    assert normalise(0.0, 0.2) == 0.0 and normalise(1.0, 0.2) == pytest.approx(1.0)
    assert normalise(0.1, 0.2) < BOUNDARY < normalise(0.3, 0.2)


def test_rank_and_cap_keeps_the_best_and_gates_off_topic_texts():
    scores = {code: LabelScore(score, []) for code, score in {"6": 0.9, "7": 0.8, "10": 0.7, "23": 0.2}.items()}
    capped = rank_and_cap(scores, 2, gated=False, floor=None)
    assert [c for c, s in capped.items() if s.score >= BOUNDARY] == ["6", "7"]
    assert capped["10"].score == BELOW
    gated = rank_and_cap(scores, 2, gated=True, floor=None)
    assert all(s.score < BOUNDARY for s in gated.values())
    near = rank_and_cap({"6": LabelScore(0.4, [])}, 2, gated=False, floor=0.35)
    assert near["6"].score == BOUNDARY  # an on-topic document's best objective, just under: applied


def test_countries_in_a_list_are_passing_mentions_in_a_document():
    filler = "Workers described their journeys and their wages in some detail. " * 12  # a document, not a passage
    pages = [f"Nepal is the subject. {filler}", f"Nepal again. {filler}", "See also India, Bhutan and China."]
    parts = segments(pages)
    mentions = {"NP": [(0, 0), (1, 0)], "IN": [(2, 9)], "BT": [(2, 16)], "CN": [(2, 27)]}
    scores = country_scores(parts, mentions, Calibration(country_min_passages=2, country_min_share=0.5))
    assert scores["NP"].score >= BOUNDARY
    assert all(scores[c].score < BOUNDARY for c in ("IN", "BT", "CN"))
    one = [Segment("body", 1, "Workers from India, Bhutan and China.")]
    assert all(s.score >= BOUNDARY for s in country_scores(one, mentions | {}, Calibration()).values())


# --- the evaluation command on the corpus -------------------------------------------------------


def test_evaluate_tagger_reports_a_split_with_a_reliability_picture(tagger_model, tmp_path):
    out = io.StringIO()
    picture = tmp_path / "reliability.png"
    call_command("evaluate_tagger", "--split", "test", "--json", "--picture", str(picture), stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["split"] == "test" and payload["model"] == tagger_model.version
    for kind in ("passages", "documents"):
        families = payload[kind]["families"]
        assert set(families) == {"countries", "themes", "gcm_objectives"}
        assert families["gcm_objectives"]["labels"]  # per label
    assert payload["documents"]["off_topic"]["items"] >= 1
    assert picture.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give either a FILE or --split"),
        (["x.jsonl", "--split", "dev"], "not both"),
        (["x.jsonl", "--picture", "p.png"], "--picture goes with --split"),
        (["--split", "dev", "--picture", "p.svg"], "must name a .png file"),
        (["no-such-file.jsonl"], "no-such-file.jsonl: no such file"),
    ],
)
def test_evaluate_tagger_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_tagger", *args, stdout=io.StringIO())
