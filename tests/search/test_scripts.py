"""Search in the scripts of the region: a word with vowel signs is one word, at index and at query time."""

import pytest

from search.faceted import run_search
from search.params import SearchParams
from tests.factories import search as factories

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]


@pytest.fixture(scope="module")
def corpus(es_client):
    factories.fresh_index(es_client)
    factories.load(
        es_client,
        [
            factories.synthetic("नेपालका आप्रवासी श्रमिक", page_id=1, language="ne"),  # Nepal's migrant workers
            factories.synthetic("पाल र बस्ती", page_id=2, language="ne"),  # "pal" (a tent), another word
            factories.synthetic("প্রবাসী শ্রমিক বাংলাদেশ", page_id=3, language="bn"),
        ],
    )
    yield
    factories.drop_all(es_client)


def ids(q: str) -> list[int]:
    return sorted(hit.page_id for hit in run_search(SearchParams(q=q)).hits)


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("नेपालका", [1]),
        ("पाल", [2]),
        ("श्रमिक", [1]),
        ("বাংলাদেশ", [3]),
        ("শ্রমিক", [3]),
        # Split at its vowel signs, a word was indexed as its letters, which a lone letter then matched.
        ("प", []),
        ("ल", []),
        ("শ", []),
    ],
)
def test_a_word_finds_itself_and_not_the_words_sharing_its_letters(q, expected):
    assert ids(q) == expected
