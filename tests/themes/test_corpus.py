"""The labelled corpus: big enough, well formed, split for good, and read with clear errors."""

import json

import pytest

from themes.nlp.corpus import CORPUS_DIR, SPLITS, CorpusError, load_corpus, parse_document, parse_passage, split_of


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_the_corpus_is_large_and_varied(corpus):
    assert len(corpus.passages) >= 1500
    assert len(corpus.documents) >= 150
    genres = {d.genre for d in corpus.documents}
    assert {"research", "brief", "news", "practice", "government", "offtopic"} <= genres
    off_topic = [d for d in corpus.documents if d.off_topic]
    assert len(off_topic) >= 30 and all(not d.labels.themes and not d.labels.gcm_objectives for d in off_topic)
    assert all(len(d.pages) >= 2 for d in corpus.documents)
    # Every objective and theme is taught and tested.
    for number in range(1, 24):
        assert sum(str(number) in p.labels.gcm_objectives for p in corpus.passages_in("train")) >= 20, number
        assert any(str(number) in p.labels.gcm_objectives for p in corpus.passages_in("test")), number
    assert (CORPUS_DIR / "GUIDELINES.md").read_text().count("passing mention") >= 1


def test_splits_come_from_the_id_and_never_move(corpus):
    assert split_of("p-h1-0001") == split_of("p-h1-0001")
    counts = {split: len(corpus.passages_in(split)) for split in SPLITS}
    assert 0.6 < counts["train"] / len(corpus.passages) < 0.8
    assert counts["dev"] > 300 and counts["test"] > 300
    assert {p.id for p in corpus.passages_in("test")}.isdisjoint(p.id for p in corpus.passages_in("train"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"id": "p", "text": "x", "countries": ["XX"]}, "unknown country 'XX'"),
        ({"id": "p", "text": "x", "themes": ["kafala"]}, "unknown theme 'kafala'"),
        ({"id": "p", "text": "x", "gcm_objectives": [24]}, "unknown GCM objective 24"),
        ({"id": "p", "text": "x", "gcm_objectives": ["6"]}, "unknown GCM objective '6'"),
        ({"id": "p", "text": ""}, '"text" must be a non-empty string'),
        ({"id": "p", "text": "x", "genre": "poetry"}, "unknown genre 'poetry'"),
        (["a", "list"], "expected a JSON object"),
    ],
)
def test_bad_passages_say_why(line, message):
    with pytest.raises(ValueError, match=message):
        parse_passage(line, frozenset({"remittances"}))


def test_bad_documents_say_why():
    with pytest.raises(ValueError, match='"pages" must be a non-empty list'):
        parse_document({"id": "d", "title": "T", "pages": []})
    with pytest.raises(ValueError, match='"off_topic" must be true or false'):
        parse_document({"id": "d", "title": "T", "pages": ["x"], "off_topic": "yes"})


def test_a_broken_file_names_its_line_and_duplicates_are_refused(tmp_path):
    (tmp_path / "passages").mkdir()
    (tmp_path / "documents").mkdir()
    good = {"id": "p-1", "text": "Money sent home.", "themes": ["remittances"], "gcm_objectives": [20]}
    (tmp_path / "passages" / "a.jsonl").write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(CorpusError, match=r"a.jsonl, line 2: invalid JSON"):
        load_corpus(tmp_path)
    (tmp_path / "passages" / "a.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(CorpusError, match="'p-1' is used twice"):
        load_corpus(tmp_path)
    (tmp_path / "passages" / "a.jsonl").unlink()
    with pytest.raises(CorpusError, match="no passages"):
        load_corpus(tmp_path)
