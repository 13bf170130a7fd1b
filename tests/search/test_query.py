"""The query syntax and the text analysis done in Python, checked without a server (to_dict)."""

import json

import pytest

from search import analysis
from search.query import MAX_QUERY_CHARS, MAX_TERMS, build_query, clean_query, parse_query

pytestmark = pytest.mark.django_db


def texts(group):
    return [term.text for term in group]


class TestAnalysis:
    def test_inflections_and_possessives_share_a_lemma(self):
        assert analysis.lemmatize_text("Migrants") == analysis.lemmatize_text("migrant") == "migrant"
        assert analysis.lemmatize_text("migration's") == analysis.lemmatize_text("migrations") == "migration"
        assert analysis.lemmatize_text("workers' fees") == "worker fee"
        assert analysis.lemmatize_text("Women migrant workers") == "woman migrant worker"

    def test_many_texts_at_once_give_the_lemmas_of_each_text_alone(self, monkeypatch):
        texts = [
            "Migrants' remittances don't cover 5km of roads",
            "",
            "Nepal's workers gonna pay the fees; cannot refuse",
            "Women migrant workers, _ and Việt Nam",
            "  Workers\u2019 (PDO)\tfees, — 2019:\n\u00a0migrants\u2003'  ",
        ]
        alone = [analysis.lemmatize_text(text) for text in texts]
        # A cold cache: every word learnt in one batch.
        monkeypatch.setattr(analysis, "_LEMMAS", {})
        monkeypatch.setattr(analysis, "_CHUNKS", {})
        assert analysis.lemmatize_texts(texts) == alone
        assert analysis.lemmatize_texts([]) == []

    def test_lemmas_of_a_text_are_those_of_its_words_in_order(self, monkeypatch):
        # Texts are looked up by white-space-separated chunk: the same as lemmatising every word.
        monkeypatch.setattr(analysis, "_CHUNKS", {})
        text = "  The Workers\u2019 (PDO)\tfees—2019:\n\u00a0migrants' ΟΔΟΣ Σ \u2003 don't 5km  "
        words = analysis._tokens(text)
        analysis.lemmatize_texts([" ".join(words)])
        assert analysis.lemmatize_text(text) == " ".join(analysis._LEMMAS[word] for word in words)
        assert analysis.lemmatize_text(" \n ,;- ") == ""

    def test_plain_words_looked_up_directly_get_the_tagger_lemma(self):
        from themes.nlp import lemmatize

        # Everyday words, irregular forms, spaCy symbol names, digits and other scripts.
        words = [
            "migrants",
            "women",
            "workers",
            "fees",
            "paid",
            "went",
            "better",
            "data",
            "analyses",
            "criteria",
            "leaves",
            "countries",
            "was",
            "children",
            "lemma",
            "prefix",
            "norm",
            "i",
            "2019",
            "0042",
            "việt",
            "naïve",
            "ﬁnancial",
            "αθήνα",
            "москва",
            "北京",
        ]
        for word in words:
            assert analysis._plain_word_lemma(word) == (" ".join(analysis._WORD.findall(lemmatize(word))) or word), word
        # spaCy's special cases, apostrophes, letters mixed with digits go through the pipeline.
        for word in ["cannot", "gonna", "dont", "5km", "10am", "don't", "covid19", "fz_context"]:
            assert analysis._plain_word_lemma(word) is None
        # Whatever the route, a word gets the tagger's lemma.
        for word in ["cannot", "gonna", "5km", "10am", "covid19", "2nd"]:
            assert analysis.lemma(word) == " ".join(analysis._WORD.findall(lemmatize(word))), word

    def test_special_cases_are_spacys(self):
        from themes.nlp.spacy_pipeline import pipeline

        rules = pipeline().tokenizer.rules
        assert {key for key in rules if key.isalpha() and key == key.lower()} == analysis.SPECIAL_CASES

    def test_lemma_table_is_the_taggers(self):
        from themes.nlp.spacy_pipeline import pipeline

        spacy_table = pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        table = analysis.lemma_table()
        assert len(table) == len(spacy_table) > 10_000
        assert all(spacy_table.get(key) == value for key, value in table.items())

    def test_words_drop_punctuation_and_keep_unicode_letters(self):
        assert analysis.words("Pre-departure (PDO), Việt Nam!") == ["pre", "departure", "pdo", "việt", "nam"]
        assert analysis.words("!!! --- ...") == []

    def test_words_of_south_and_south_east_asian_scripts_stay_whole(self):
        # Vowel signs, viramas and joiners are combining marks or format characters, not \\w.
        text = "नेपाल বাংলাদেশ ශ්‍රී ලංකාව မြန်မာ កម្ពុជា ประเทศไทย"
        assert analysis.words(text) == text.split()
        assert analysis.lemmatize_text("नेपालका श्रमिक") == "नेपालका श्रमिक"

    def test_surface_forms_are_the_spellings_with_the_same_lemma(self):
        forms = analysis.surface_forms("migrants")
        assert {"migrant", "migrants", "migrant's", "migrants'"} <= forms
        assert "migration" not in forms
        assert {"fee", "fees"} <= analysis.surface_forms("fee")

    def test_synonyms_keep_equivalents_only(self):
        table = analysis.synonyms()
        assert "pre departure orientation" in table[("pdo",)]
        assert "nepal" in table[("nepali",)]
        assert "nepali" in table[("nepal",)]
        # A theme's other keywords are evidence for the tagger, not synonyms of each other.
        assert ("recruitment", "fee") not in table or "decent work" not in table[("recruitment", "fee")]


class TestParse:
    def test_words_must_all_match(self):
        parsed = parse_query("recruitment fees Nepal")
        assert [texts(g)[0] for g in parsed.groups] == ["recruitment", "fees", "Nepal"]
        assert parsed.excluded == []

    def test_phrases_exclusions_and_or(self):
        parsed = parse_query('"recruitment fees" -Qatar remittances OR wages -"debt bondage"')
        assert texts(parsed.groups[0]) == ["recruitment fees"] and parsed.groups[0][0].phrase
        assert texts(parsed.groups[1]) == ["remittances", "wages"]
        assert [t.text for t in parsed.excluded] == ["Qatar", "debt bondage"]
        assert parsed.excluded[1].phrase

    def test_synonyms_join_the_group_of_the_term_they_expand(self):
        parsed = parse_query("PDO Nepali")
        pdo, nepali = parsed.groups
        assert pdo[0].text == "PDO" and not pdo[0].expanded
        assert "pre departure orientation" in texts(pdo)
        assert "nepal" in texts(nepali)
        assert "pre departure orientation" in parsed.expansions

    def test_a_spelled_out_term_across_words_is_found_and_expanded(self):
        parsed = parse_query("pre-departure orientation Nepal")
        assert parsed.groups[0][0].text == "pre-departure orientation"
        assert "pdo" in texts(parsed.groups[0])
        assert len(parsed.groups) == 2

    def test_stop_words_are_not_required_unless_alone(self):
        assert [texts(g)[0] for g in parse_query("return of the workers").groups] == ["return", "workers"]
        assert texts(parse_query("the").groups[0]) == ["the"]

    @pytest.mark.parametrize(
        "raw",
        [
            '"unbalanced quote',
            'recruitment "fees',
            "((brackets] {everywhere",
            "-",
            "- - -",
            "OR OR",
            "OR recruitment OR",
            "AND NOT",
            '""',
            '-""',
            "\x00\x01\x1b[31mrecruitment\x7f\u200b\ufeff",
            "x" * 5000,
            "fees " * 1000,
            "*** ??? \\ / :",
            "recruitment^10 title:fees~2",
        ],
    )
    def test_malformed_input_never_raises_and_builds_valid_json(self, raw):
        parsed = parse_query(raw)
        query = build_query(parsed).to_dict()
        assert json.dumps(query)
        assert len(parsed.raw) <= MAX_QUERY_CHARS
        assert len(parsed.positive_terms) + len(parsed.excluded) <= MAX_TERMS * 2

    def test_control_characters_are_removed(self):
        assert clean_query("a\x00b\tc\n\x1bd") == "a b c d"

    def test_lone_minus_and_or_are_ignored(self):
        parsed = parse_query("- OR OR fees -")
        assert [texts(g) for g in parsed.groups] == [["fees"]]
        assert parsed.excluded == []


class TestBuild:
    def test_empty_query_matches_everything(self):
        assert build_query(parse_query("")).to_dict() == {"match_all": {}}

    def test_each_group_must_match_somewhere_including_the_pages(self):
        query = build_query(parse_query("recruitment fees")).to_dict()["bool"]
        assert len(query["must"]) == 2
        first = json.dumps(query["must"][0])
        assert '"title_lemma^6"' in first and '"pages.text_lemma": "recruitment"' in first

    def test_lemmas_are_queried_and_originals_rewarded(self):
        must = build_query(parse_query("Migrants")).to_dict()["bool"]["must"][0]["bool"]["should"]
        assert must[0]["multi_match"]["query"] == "migrant"
        assert must[1]["multi_match"]["query"] == "Migrants"

    def test_exclusions_go_to_must_not(self):
        query = build_query(parse_query("fees -Qatar")).to_dict()["bool"]
        assert "qatar" in json.dumps(query["must_not"])
        assert "qatar" not in json.dumps(query["must"])

    def test_title_boost_and_passages_with_highlights(self):
        query = build_query(parse_query("recruitment fees")).to_dict()["bool"]
        boost, passages = query["should"]
        assert boost["match_phrase"]["title_lemma"]["query"] == "recruitment fee"
        inner = passages["nested"]["inner_hits"]
        assert inner["highlight"]["encoder"] == "html"
        highlight_terms = json.dumps(inner["highlight"]["fields"]["pages.text"]["highlight_query"])
        assert '"fees"' in highlight_terms and '"fee"' in highlight_terms


QUERIES = [
    "",
    "recruitment fees",
    '"migrant workers" -Qatar',
    "wage theft OR unpaid wages",
    "PDO",
    "Nepali",
    "-remittances",
    "the of",
    '((( "',
]
FILTERS = [
    {},
    {"country": ["NP"]},
    {"country": ["NP", "BD"], "year": ["2020", "2021"]},
    {"theme": "remittances", "gcm": ["6"], "type": ["report"], "language": ["en"], "year": [2019]},
    {"country": [], "unknown": ["x"], "theme": ["", None]},
]


def reference_search(q: str, filters: dict, sort: str = "relevance", *, passages: int = 3):
    """The same search written as elasticsearch's FacetedSearch: the reference the plain body must equal."""
    from elasticsearch.dsl import FacetedSearch, TermsFacet

    from search.documents import SOURCE_EXCLUDES
    from search.faceted import FACET_TERMS, HIGHLIGHT, HIGHLIGHT_FIELDS, SORTS, filter_values_of
    from search.query import highlight_query

    class Reference(FacetedSearch):
        facets = {name: TermsFacet(**terms) for name, terms in FACET_TERMS.items()}

        def __init__(self):
            self.parsed = parse_query(q)
            super().__init__(query=q, filters=filters, sort=SORTS.get(sort, SORTS["relevance"]))

        def add_filter(self, name, filter_values):
            values = filter_values_of(filter_values) if name in self.facets else []
            if values:
                super().add_filter(name, values)

        def search(self):
            return super().search().source(excludes=SOURCE_EXCLUDES).extra(track_total_hits=True)

        def query(self, search, query):
            return search.query(build_query(self.parsed, passages=passages))

        def highlight(self, search):
            if not self.parsed.positive_terms:
                return search
            search = search.highlight_options(**HIGHLIGHT)
            for name, options in HIGHLIGHT_FIELDS.items():
                search = search.highlight(name, highlight_query=highlight_query(self.parsed, name).to_dict(), **options)
            return search

        def build_search(self):
            search = self.highlight(self.filter(self.query(self.search(), self._query)))
            search = self.sort(search)
            self.aggregate(search)
            return search

    return Reference()


class TestSearchBody:
    @pytest.mark.parametrize("q", QUERIES)
    @pytest.mark.parametrize("filters", FILTERS)
    def test_plain_body_equals_the_faceted_search_dsl(self, q, filters):
        from search.faceted import search_body

        for sort, offset, size in [("relevance", 0, 10), ("newest", 20, 20), ("oldest", 990, 10), ("bogus", 0, 50)]:
            dsl = reference_search(q, dict(filters), sort)[offset : offset + size]._s.to_dict()
            body = search_body(parse_query(q), dict(filters), sort, offset=offset, size=size)
            assert json.dumps(body) == json.dumps(dsl), (q, filters, sort)  # the very same bytes are sent
        without_passages = reference_search(q, dict(filters), passages=0)[0:0]._s.to_dict()
        assert search_body(parse_query(q), dict(filters), "relevance", offset=0, size=0, passages=0) == without_passages
