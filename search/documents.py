"""The public search index: one index for everything a visitor can find, behind an alias.

Readers and writers use the alias ``settings.SEARCH_INDEX_NAME``; it points at one concrete index
``<alias>-<timestamp>``. A rebuild fills a new index and then moves the alias in one atomic call,
so search never goes down (see search.indexing).

Every text field exists twice: the original (``standard`` analyzer; shown and highlighted) and
a ``*_lemma`` copy lemmatised in Python (see search.analysis for why). The full text is stored
per page in a nested field, so a hit can say "page 12". Fields that only serve matching (lemma
copies, the spelling field) are left out of ``_source`` to keep the index small.
"""

from __future__ import annotations

import datetime
import itertools
import threading

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    MetaField,
    Nested,
    Text,
    analyzer,
    token_filter,
)

from search import analysis

# "Did you mean": a phrase suggester needs word n-grams; the core `shingle` filter is available
# on every server (it is not part of analysis-common), unlike stemmers and synonym filters.
spell_shingle = analyzer(
    "salam_spell_shingle",
    tokenizer="standard",
    filter=["lowercase", token_filter("salam_shingle", "shingle", min_shingle_size=2, max_shingle_size=3)],
)

LEMMA_FIELDS = ("title", "subtitle", "abstract", "keywords")
SOURCE_EXCLUDES = [f"{name}_lemma" for name in LEMMA_FIELDS] + [
    "tags_lemma",
    "pages",
    "spell",
]


class Passage(InnerDoc):
    """A page of a PDF's text (``number``) or a stretch of a lecture transcript (``seconds``).

    Matching uses ``text_lemma``; ``text`` is the original, only stored (outside ``_source``, and
    not indexed at all: half the cost of indexing the full text). The highlighter re-reads it and
    marks the spellings of the query's words (see search.query.build_query).
    """

    # Only read back (docvalue_fields of the inner hits), never searched: doc values, no index.
    number = Integer(index=False)
    seconds = Integer(index=False)
    text = Text(analyzer="standard", index=False, store=True)
    text_lemma = Text(analyzer="standard")


class SearchDocument(Document):
    """A publication or a lecture as the public may see it."""

    page_id = Long()
    kind = Keyword()  # publication | lecture
    type = Keyword()  # publication types, or "lecture"
    title = Text(analyzer="standard", fields={"raw": Keyword(ignore_above=512)})
    title_lemma = Text(analyzer="standard")
    subtitle = Text(analyzer="standard")
    subtitle_lemma = Text(analyzer="standard")
    abstract = Text(analyzer="standard")
    abstract_lemma = Text(analyzer="standard")
    authors = Text(analyzer="standard", fields={"raw": Keyword()})
    institution = Text(analyzer="standard", fields={"raw": Keyword()})
    keywords = Text(analyzer="standard", fields={"raw": Keyword()})
    keywords_lemma = Text(analyzer="standard")
    countries = Keyword()
    themes = Keyword()
    gcm = Keyword()
    # Display names travel with the codes; matching on them goes through tags_lemma.
    country_names = Keyword(index=False, doc_values=False)
    theme_names = Keyword(index=False, doc_values=False)
    gcm_names = Keyword(index=False, doc_values=False)
    tags_lemma = Text(analyzer="standard")
    date = Date()
    year = Integer()
    language = Keyword()
    url = Keyword(index=False, doc_values=False)
    embargo_until = Date()
    full_text_public = Boolean()
    has_full_text = Boolean()
    page_count = Integer()
    published_at = Date()
    # Lectures only.
    start = Date()
    venue = Text(analyzer="standard")
    online = Boolean()
    status = Keyword()
    recording_url = Keyword(index=False, doc_values=False)
    pages = Nested(Passage)
    # Titles, keywords and tag names, with word n-grams for the phrase suggester ("did you mean").
    spell = Text(analyzer="standard", fields={"shingle": Text(analyzer=spell_shingle)})

    class Meta:
        source = MetaField(excludes=SOURCE_EXCLUDES)
        dynamic = MetaField("strict")


def alias_name() -> str:
    """The alias every reader and writer uses."""
    return settings.SEARCH_INDEX_NAME


def building_alias_name() -> str:
    """The alias of an index being rebuilt: the outbox writes to it too, so a rebuild misses nothing."""
    return f"{settings.SEARCH_INDEX_NAME}-building"


def new_index_name(now: datetime.datetime | None = None) -> str:
    """A fresh concrete index name, ``<alias>-<UTC timestamp with microseconds>``."""
    now = now or datetime.datetime.now(datetime.UTC)
    return f"{settings.SEARCH_INDEX_NAME}-{now:%Y%m%d%H%M%S%f}"


def index_body() -> dict:
    """Settings and mappings for a new index."""
    from elasticsearch.dsl import Index

    index = Index("template")
    index.document(SearchDocument)
    index.settings(
        number_of_shards=settings.SEARCH_INDEX_SHARDS,
        number_of_replicas=settings.SEARCH_INDEX_REPLICAS,
        # Bulk loads refresh once at the end; ordinary writes refresh within a second.
        refresh_interval="1s",
        max_inner_result_window=20,
    )
    body = index.to_dict()
    return {"settings": body["settings"], "mappings": body["mappings"]}


_clients: dict[tuple, Elasticsearch] = {}
_clients_lock = threading.Lock()


def elasticsearch_hosts(url: str | None = None) -> list[str]:
    """The nodes named by ELASTICSEARCH_URL: one address, or several separated by commas (a cluster)."""
    return [host.strip() for host in (url or settings.ELASTICSEARCH_URL).split(",") if host.strip()]


def get_client() -> Elasticsearch:
    """A client for ELASTICSEARCH_URL, shared per process (it is thread-safe and pools connections).

    With several nodes listed, a request that finds its node gone is retried once on another one.
    """
    key = (settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT_S)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = Elasticsearch(
                    elasticsearch_hosts(),
                    request_timeout=settings.ELASTICSEARCH_TIMEOUT_S,
                    # One quick retry: a visitor would rather see "unavailable" than wait.
                    max_retries=1,
                    retry_on_timeout=False,
                )
                _clients[key] = client
    return client


def _lemma_inputs(source: dict) -> list[str]:
    """The texts a document's lemma copies are made from: the LEMMA_FIELDS, the tag names, the pages."""
    texts = []
    for name in LEMMA_FIELDS:
        value = source.get(name)
        if isinstance(value, list):
            value = "\n".join(value)
        texts.append(value or "")
    texts.append("\n".join(source.get("country_names", []) + source.get("theme_names", [])))
    texts.extend(passage.get("text", "") for passage in source.get("pages", []))
    return texts


def _lemma_fields(lemmas: list[str]) -> dict:
    out = {f"{name}_lemma": lemma for name, lemma in zip(LEMMA_FIELDS, lemmas, strict=False)}
    out["tags_lemma"] = lemmas[len(LEMMA_FIELDS)]
    return out


def prepare(source: dict) -> dict:
    """Complete a document built from a page: lemma copies, spelling and autocompletion inputs."""
    return prepare_many([source])[0]


def prepare_many(sources: list[dict]) -> list[dict]:
    """``prepare`` for many documents, lemmatising all their texts in one call (new words batched)."""
    inputs = [_lemma_inputs(source) for source in sources]
    lemmas = iter(analysis.lemmatize_texts([text for texts in inputs for text in texts]))
    return [
        _assemble(source, list(itertools.islice(lemmas, len(texts))))
        for source, texts in zip(sources, inputs, strict=True)
    ]


def _assemble(source: dict, lemmas: list[str]) -> dict:
    body = dict(source)
    fixed = len(LEMMA_FIELDS) + 1
    body.update(_lemma_fields(lemmas[:fixed]))
    body["pages"] = [
        {**passage, "text_lemma": lemma} for passage, lemma in zip(source.get("pages", []), lemmas[fixed:], strict=True)
    ]
    # Shingles are the costliest part of indexing: short fields only (abstracts still feed the
    # suggester's candidate words through a generator on the abstract field itself).
    spell_parts = [source.get("title", ""), source.get("subtitle", "")]
    spell_parts += source.get("keywords", []) + source.get("country_names", []) + source.get("theme_names", [])
    body["spell"] = "\n".join(part for part in spell_parts if part)
    return {key: value for key, value in body.items() if value is not None}
