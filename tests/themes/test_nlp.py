"""The rule-based tagger: countries, themes, GCM objectives, scoring, evidence and caching.

Pure tests: no database, only the seed vocabulary and text written here.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.gcm_titles import GCM_TITLES
from themes import data as seed
from themes import nlp
from themes.evaluation import evaluate
from themes.nlp import Suggestion, Vocabulary, get_tagger, lemmatize, suggest_tags, synonym_expansions
from themes.nlp.decisions import BOUNDARY
from themes.nlp.spacy_pipeline import _CHUNK_CHARS
from themes.nlp.tagger import _objective_numbers

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_seed()


def codes(suggestions: list[Suggestion], family: str) -> set[str]:
    return {s.code for s in suggestions if s.family == family}


def countries(text: str) -> set[str]:
    return codes(suggest_tags([text]), "country")


def themes(text: str) -> set[str]:
    return codes(suggest_tags([text]), "theme")


def objectives(text: str) -> set[str]:
    return codes(suggest_tags([text]), "gcm_objective")


# --- the seed vocabulary ---------------------------------------------------------------------


def test_seed_data_has_the_agreed_taxonomy():
    assert len(seed.countries()) == 26
    assert sum(c["colombo_process_member"] for c in seed.countries()) == 12
    assert sum(c["main_destination"] for c in seed.countries()) == 14
    assert {c["alpha2"]: c["name"] for c in seed.countries()}["VN"] == "Viet Nam"
    assert [t["slug"] for t in seed.themes()] == [
        "pre-departure-orientation", "skills-recognition", "fair-recruitment", "remittances",
        "labour-market-analysis", "return-reintegration", "social-protection", "gender-equality",
        "gender-based-violence", "bilateral-agreements", "access-to-justice", "migration-data",
        "consular-support", "crisis-response", "migration-governance",
    ]  # fmt: skip
    assert {o["number"]: o["title"] for o in seed.gcm_objectives()} == GCM_TITLES
    for row in [*seed.themes(), *seed.gcm_objectives()]:
        assert row["description"] and row["keywords"]
        assert len(row["keywords"]) == len(set(row["keywords"])), row


def test_vocabulary_from_seed(vocabulary):
    assert len(vocabulary.countries) == 26
    assert len(vocabulary.themes) == 15
    assert [o.number for o in vocabulary.objectives] == list(range(1, 24))
    nepal = next(c for c in vocabulary.countries if c.alpha2 == "NP")
    assert "Nepali" in nepal.demonyms and nepal.colombo_process_member


# --- countries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nepali workers queued at the airport.", {"NP"}),
        ("Nepalese migrants sent money home.", {"NP"}),
        ("Nepalis and Bangladeshis share dormitories.", {"NP", "BD"}),
        ("Filipinos and Sri Lankans work as caregivers.", {"PH", "LK"}),
        ("An Emirati employer hired Vietnamese and Thai cooks.", {"AE", "VN", "TH"}),
        ("Workers in the UAE and KSA face the same rules.", {"AE", "SA"}),
        ("South Korea and Vietnam signed a deal.", {"KR", "VN"}),
        ("The Philippine government requires a contract.", {"PH"}),
    ],
)
def test_country_names_aliases_and_demonyms(text, expected):
    assert countries(text) == expected


def test_any_iso_country_can_be_tagged():
    assert countries("Recruiters in Ethiopia and Kenya sent workers; Syrians found work too.") == {"ET", "KE", "SY"}
    assert countries("the Democratic Republic of the Congo and the Republic of Korea") == {"CD", "KR"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Michael Jordan played basketball.", set()),
        ("Jordan Peterson gave a lecture.", set()),
        ("Mr. Jordan chaired the session.", set()),
        ("Jordan issued work permits under the Jordan Compact.", {"JO"}),
        ("Migrants in Lebanon and Jordan lost their jobs.", {"LB", "JO"}),
        ("We ate roast turkey.", set()),
        ("Turkey hosts many refugees.", {"TR"}),
        ("Guinea pigs are kept for food.", set()),
        ("Guinea and Senegal send seasonal workers.", {"GN", "SN"}),
        ("Chad Martin presented the survey.", set()),
        ("Chad, Niger and Mali are countries of origin.", {"TD", "NE", "ML"}),
        ("Researchers at Georgia State University analysed it.", set()),
        ("The fine china was packed.", set()),
        ("The Indian Ocean tsunami hit the coast.", set()),
        ("Indian workers crossed the Indian Ocean.", {"IN"}),
        ("North Korean workers were sent abroad.", {"KP"}),
        ("Korean employers hired workers; Korea needs more.", {"KR"}),
        ("The DPRK sends workers to Russia.", {"KP", "RU"}),
        ("Dubai, Riyadh, Kerala and the Gulf.", set()),
        ("Neighbouring Jordan hosts many refugees.", {"JO"}),
        ("WOMEN IN JORDAN GARMENT FACTORIES", {"JO"}),
        ("the northern emirates rely on low-wage labour", set()),
    ],
)
def test_ambiguous_country_words(text, expected):
    assert countries(text) == expected


# --- themes and lemmas ---------------------------------------------------------------------------


def test_lemmatize_is_lowercase_lemmas_without_punctuation():
    assert (
        lemmatize("Remittances SENT by Nepali workers were Harassed.") == "remittance send by nepali worker be harass"
    )
    assert lemmatize("") == ""
    assert nlp.lemmatize_many(["Returnees", "", "Recruitment Fees"]) == ["returnee", "", "recruitment fee"]


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Agencies charged Recruitment Fees of 1,500 dollars.", "fair-recruitment"),
        ("They paid brokers in their villages.", "fair-recruitment"),  # "broker" lemmatises oddly
        ("A broker arranged the visa.", "fair-recruitment"),
        ("Remittances were the main source of income.", "remittances"),
        ("Returnees struggled to reintegrate.", "return-reintegration"),
        ("Women were sexually harassed by employers.", "gender-based-violence"),
        ("The two governments signed MoUs last year.", "bilateral-agreements"),
        ("Embassies ran shelters for runaway workers.", "consular-support"),
    ],
)
def test_themes_match_on_lemmas(text, theme):
    assert theme in themes(text)


def test_spelling_and_hyphen_variants():
    assert "pre-departure-orientation" in themes("Every worker attends a predeparture orientation.")
    assert "pre-departure-orientation" in themes("Every worker attends a pre departure orientation.")
    assert "labour-market-analysis" in themes("A labor market information system was built.")
    assert "skills-recognition" in themes("Employers refused to recognize skills gained abroad.")
    assert "gender-based-violence" in themes("Gender based violence is under-reported.")


def test_acronyms_are_case_sensitive():
    assert "fair-recruitment" not in themes("She planted an iris in the garden.")
    assert "bilateral-agreements" not in themes("mou mou mou")
    assert "pre-departure-orientation" in themes("Every worker attends a PDO before leaving.")


def test_passing_common_words_are_not_enough():
    assert themes("The court was adjourned because of the war.") == set()
    assert suggest_tags(["The committee meeting was postponed to next Tuesday."]) == []


# --- GCM objectives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GCM Objective 21 asks for sustainable reintegration.", {"21"}),
        ("The plan covers Objectives 3 and 16 of the Global Compact.", {"3", "16"}),
        ("It says little on objective 22 (a) of the GCM.", {"22"}),
        ("GCM objectives 5, 6 and 7 are prioritised.", {"5", "6", "7"}),
        ("GCM objectives 5-7 are prioritised.", {"5", "6", "7"}),
        ("Objective 3 of the project was to train teachers.", set()),
        ("GCM Objective 25 does not exist, nor does objective 2019.", set()),
    ],
)
def test_explicit_objective_references(text, expected):
    assert objectives(text) >= expected
    if not expected:
        assert not objectives(text) & {"3", "2", "20", "25"}


def test_objective_numbers_parsing():
    assert _objective_numbers("5, 6 and 7") == ["5", "6", "7"]
    assert _objective_numbers("5 to 7") == ["5", "6", "7"]
    assert _objective_numbers("22 (a)") == ["22"]
    assert _objective_numbers("21 and 21") == ["21"]


def test_objectives_from_subject_matter():
    assert "20" in objectives("The cost of sending money through hundi is lower than through banks.")
    assert "10" in objectives("Survivors of human trafficking need shelter.")
    assert "13" in objectives("Migrants were held in immigration detention for months.")


def test_bare_objective_counts_when_the_document_is_about_the_gcm():
    pages = ["This review follows the Global Compact for Migration closely.", "x " * 400, "See objective 14."]
    assert "14" in codes(suggest_tags(pages), "gcm_objective")


# --- scoring and evidence --------------------------------------------------------------------------


def _score(suggestions: list[Suggestion], family: str, code: str) -> float:
    return next((s.score for s in suggestions if s.family == family and s.code == code), 0.0)


def test_title_mention_beats_a_body_mention():
    body = ["Labour migration policy in the region. " * 60]
    in_title = suggest_tags(body, title="Recruitment in Nepal")
    in_body = suggest_tags([body[0] + " One worker came from Nepal."])
    assert _score(in_title, "country", "NP") > _score(in_body, "country", "NP")
    assert 0.0 < _score(in_title, "country", "NP") <= 1.0


def test_abstract_weighs_between_title_and_body():
    body = ["Policy text without names. " * 100]
    title = _score(suggest_tags(body, title="Remittances"), "theme", "remittances")
    abstract = _score(suggest_tags(body, abstract="Remittances"), "theme", "remittances")
    assert title > abstract > 0


def test_a_passing_mention_in_a_long_document_is_not_suggested():
    filler = "The committee discussed the budget and the calendar of meetings for next year. " * 40
    long_doc = [filler] * 10 + [filler + "A delegate had visited Japan."]
    assert "JP" not in codes(suggest_tags(long_doc), "country")
    assert "JP" in countries("A delegate had visited Japan.")


def test_more_mentions_score_higher():
    one = _score(suggest_tags(["Workers from Nepal. " + "Other text here. " * 50]), "country", "NP")
    many = _score(suggest_tags(["Workers from Nepal. " * 5 + "Other text here. " * 50]), "country", "NP")
    assert many > one


def test_threshold_and_cap_are_overridable():
    text = ["Workers from Nepal, India, Bangladesh, Pakistan and Sri Lanka went to Qatar."]
    assert len(codes(suggest_tags(text), "country")) == 6
    assert len(codes(suggest_tags(text, max_labels={"country": 2}), "country")) == 2
    assert suggest_tags(text, threshold=1.01) == []


@pytest.mark.skipif(bool(os.environ.get("TAGGER_APPLY_THRESHOLD")), reason="the variable overrides the default")
def test_the_settings_default_threshold_is_the_taggers():
    # base.py cannot import the tagger (it loads spaCy), so it repeats the calibrated boundary; this keeps them one.
    from salam.settings.base import TAGGER_APPLY_THRESHOLD

    assert TAGGER_APPLY_THRESHOLD == BOUNDARY


def test_evidence_has_page_numbers_and_passages():
    pages = [
        "Introduction. This report looks at labour migration.",
        "Background. Many workers leave every year.\n\nWorkers from Nepal pay high fees. The end.",
    ]
    result = suggest_tags(pages, title="Migration from Nepal")
    nepal = next(s for s in result if s.code == "NP")
    assert nepal.evidence[0] == nlp.Evidence(page=None, text="Migration from Nepal", where="title")
    assert nepal.evidence[1] == nlp.Evidence(page=2, text="Workers from Nepal pay high fees.", where="body")
    assert nepal.to_dict()["evidence"][1] == {"page": 2, "text": "Workers from Nepal pay high fees.", "where": "body"}


def test_evidence_is_capped_and_short():
    pages = [f"Sentence {i} is about workers from Nepal in a long passage {'x' * 400}." for i in range(6)]
    nepal = next(s for s in suggest_tags(pages) if s.code == "NP")
    assert len(nepal.evidence) == nlp.MAX_EVIDENCE
    assert all(len(e.text) <= nlp.MAX_PASSAGE_CHARS and "Nepal" in e.text for e in nepal.evidence)
    assert [e.page for e in nepal.evidence] == [1, 2, 3]


# --- caching ---------------------------------------------------------------------------------------


def test_tagger_is_cached_by_vocabulary_contents(vocabulary):
    assert get_tagger(vocabulary) is get_tagger(Vocabulary.from_seed())
    assert get_tagger(None) is get_tagger(vocabulary)


def test_tagger_is_rebuilt_when_the_vocabulary_changes(vocabulary):
    text = ["Everyone talked about the zorblat scheme for workers."]
    assert "remittances" not in codes(suggest_tags(text, vocabulary=vocabulary), "theme")
    remittances = next(t for t in vocabulary.themes if t.slug == "remittances")
    changed = dataclasses.replace(
        vocabulary,
        themes=tuple(
            dataclasses.replace(t, keywords=(*t.keywords, "zorblat scheme")) if t is remittances else t
            for t in vocabulary.themes
        ),
    )
    assert changed.fingerprint != vocabulary.fingerprint
    assert get_tagger(changed) is not get_tagger(vocabulary)
    assert "remittances" in codes(suggest_tags(text, vocabulary=changed), "theme")


def test_editor_alias_wins_over_iso_names(vocabulary):
    nepal = next(c for c in vocabulary.countries if c.alpha2 == "NP")
    changed = dataclasses.replace(
        vocabulary,
        countries=tuple(
            dataclasses.replace(c, aliases=(*c.aliases, "Gorkhaland")) if c is nepal else c
            for c in vocabulary.countries
        ),
    )
    assert codes(suggest_tags(["Workers from Gorkhaland."], vocabulary=changed), "country") == {"NP"}


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pages",
    [[], [""], ["   ", "\n\n"], ["\x00\x01\x02 \ufffd\ufffd %%%% ))) 1234 ....."], ["a" * 5000], [None]],  # type: ignore[list-item]
)
def test_empty_and_garbage_input(pages):
    assert suggest_tags(pages) == []


def test_very_long_page_is_chunked():
    page = ("Filler words about nothing in particular. " * 3000) + "Workers from Nepal arrived."
    assert len(page) > _CHUNK_CHARS
    nepal = next(s for s in suggest_tags(["Short first page.", page], threshold=0.0) if s.code == "NP")
    assert nepal.evidence[0].page == 2


# --- search helpers ------------------------------------------------------------------------------


def test_synonym_expansions(vocabulary):
    expansions = synonym_expansions(vocabulary)
    assert "pre departure orientation" in expansions["pdo"]
    assert "nepal" in expansions["nepali"]
    assert "nepali" in expansions["nepal"]
    assert "unite arab emirate" in expansions["uae"]
    assert all(term not in siblings for term, siblings in expansions.items())


# --- the development set (regression test for quality) -------------------------------------------


@pytest.mark.django_db
def test_the_trained_tagger_on_the_independent_sets(vocabulary, tagger_model):
    """The two sets an earlier session wrote by hand are not in the corpus: a check on text of another hand.

    The figures are deterministic (fixed seed); the floors sit a little under what the model reaches
    (see the note of the tagging issue) so that a change that makes it clearly worse fails here.
    """
    for name, floors in (("tagger_dev", (0.95, 0.78, 0.75)), ("tagger_holdout", (0.95, 0.75, 0.78))):
        lines = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text().splitlines() if line.strip()]
        results = evaluate(lines, vocabulary, model=tagger_model)
        assert results["countries"]["f1"] >= floors[0], name
        assert results["themes"]["f1"] >= floors[1], name
        assert results["gcm_objectives"]["f1"] >= floors[2], name
        assert results["gcm_objectives"]["precision"] >= 0.80, name


def test_holdout_set_is_well_formed(vocabulary):
    from themes.evaluation import read_gold_file

    assert len(read_gold_file(DATA / "tagger_holdout.jsonl", vocabulary)) >= 30


# --- countries in the forms real texts use ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KARACHI, 3 May - Recruiters were arrested for selling fake visas.", {"PK"}),
        ("DOHA \u2013 A dispute committee ordered a contractor to pay arrears.", {"QA"}),
        ("Colombo, 9 May. The cabinet approved a pension scheme for workers abroad.", {"LK"}),
        ("MAL\u00c9 \u2013 A member of parliament apologised for his remarks about workers.", {"MV"}),
        ("Riyadh announced that domestic workers may change employers.", {"SA"}),
        ("Kathmandu and Dhaka signed the memorandum on Sunday.", {"NP", "BD"}),
        ("Officials in Kuala Lumpur said the depots would be emptied.", {"MY"}),
        ("She worked in Doha for six years before she came home.", set()),  # a place, not the state
        ("The Abu Dhabi Dialogue met in November.", set()),  # a dialogue named after a city
        ("The KSA and the RoK both require a medical test, as does Burma.", {"SA", "KR", "MM"}),
        ("Workers in the Emirates and Chinese Taipei send money home.", {"AE", "TW"}),
        ("Women returning to नेपाल and বাংলাদেশ from ශ්‍රී ලංකාව and پاکستان.", {"NP", "BD", "LK", "PK"}),
        ("The interpreter spoke Hindi rather than Nepali.", {"IN"} - {"IN"}),  # languages, not countries
        ("Leaflets were printed in Nepali, Urdu and Tagalog.", set()),
        ("Brazilian, Moroccan and Uzbek workers were interviewed.", {"BR", "MA", "UZ"}),
        ("Myanmar women working in Thai seafood factories formed a network.", {"MM", "TH"}),
        ("The Chinese New Year sale runs until Sunday in Kuwait City.", set()),
    ],
)
def test_countries_in_the_forms_real_texts_use(text, expected):
    assert codes(suggest_tags([text]), "country") == expected


def test_a_grouping_expands_in_search_to_its_member_states():
    expansions = synonym_expansions()
    gulf = {"saudi arabia", "qatar", "kuwait", "oman", "bahrain"}
    assert gulf <= set(expansions["gcc"]) and gulf <= set(expansions["gulf"])
    assert "gulf" not in expansions.get("qatar", [])  # one way only
