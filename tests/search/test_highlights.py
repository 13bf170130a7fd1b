"""What the highlighter marks in the full text: the query's words and synonyms, never a stray stop word."""

import pytest

from search.faceted import run_search
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

DOCS = [
    factories.synthetic(
        "Workers from Nepal",
        page_id=1,
        countries=["NP"],
        country_names=["Nepal"],
        pages=["A survey of the workers of Nepal, in the words of the Federal Democratic Republic of Nepal."],
    ),
    factories.synthetic(
        "Korea and Lao",
        page_id=2,
        countries=["KR", "NP"],
        country_names=["Republic of Korea", "Nepal"],
        pages=["Nepali workers of the Republic of Korea and the Lao People's Democratic Republic."],
    ),
    factories.synthetic(
        "Orientation before departure",
        page_id=3,
        pages=["Pre-departure orientation helps; orientation at departure or pre-arrival does not."],
    ),
]


@pytest.fixture(scope="module")
def corpus(es_client):
    factories.fresh_index(es_client)
    factories.load(es_client, DOCS)
    yield
    factories.drop_all(es_client)


def passage_of(q: str, page_id: int) -> str:
    results = run_search(SearchParams(q=q))
    hit = next(hit for hit in results.hits if hit.page_id == page_id)
    return str(hit.passages[0].html)


@pytest.mark.usefixtures("corpus")
class TestPassageHighlights:
    def test_a_synonym_spelled_with_stop_words_marks_no_stop_word(self):
        # "Nepal" is expanded with "federal democratic republic of nepal": its "of" must not be marked.
        assert "federal democratic republic of nepal" in [
            e.lower() for e in run_search(SearchParams(q="Nepal")).expansions
        ]
        html = passage_of("Nepal", 1)
        assert "<mark>of</mark>" not in html and "<mark>the</mark>" not in html
        assert "workers of <mark>Nepal</mark>" in html

    def test_a_multi_word_synonym_is_marked_where_it_stands_whole(self):
        html = passage_of("Nepal", 1)
        assert "<mark>Republic</mark>" in html and "<mark>Federal</mark>" in html
        # Elsewhere its words are not the country: "Republic of Korea", "Democratic Republic" of Lao.
        other = passage_of("Nepal", 2)
        assert "<mark>Nepali</mark>" in other
        assert "<mark>Republic</mark>" not in other and "<mark>Democratic</mark>" not in other
        assert "<mark>of</mark>" not in other

    def test_a_typed_phrase_is_marked_as_a_phrase(self):
        html = passage_of('"pre-departure orientation"', 3)
        assert "<mark>Pre</mark>-<mark>departure</mark> <mark>orientation</mark> helps" in html
        assert "orientation at departure or pre-arrival" in html
