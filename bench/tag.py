"""Benchmark the tagger: words per second, against spaCy's bare tokenizer on the same text.

    python bench/tag.py [--text FILE] [--repeat N] [--json]

The text is, by default, extracted with pdfminer.six from a handful of text-heavy PDFs in the
shared corpus (``SALAM_PDF_CORPUS``, default ``../shared/pdf-corpus`` beside the clone) and
cached in ``var/bench/tag_corpus.txt``; pages are separated by form feeds. ``--text FILE``
uses any UTF-8 text file instead (form feeds, if any, separate pages).

The tagger is the whole of it: the rule matchers and the trained classifier with its decisions
(the base model, read from the file cache in ``var/tagger/`` or trained once and cached). Both runs
see the same pages after one warm-up pass each (the build and model load times are reported
apart, the load against its target of well under a second), and the best of ``--repeat`` timed
passes counts. The target is a ratio of at least 0.25: the whole tagger no slower than four times
the tokenizer alone.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "var" / "bench" / "tag_corpus.txt"
CORPUS = Path(os.environ.get("SALAM_PDF_CORPUS", ROOT.parent / "shared" / "pdf-corpus"))
# Long, mostly English, text-layer PDFs that pdfminer reads in a few seconds each.
PDFS = (
    "pdfcpu__ECSTR11-01.pdf",
    "pdfminer__i1040nr.pdf",
    "pdfplumber__federal-register-2020-17221.pdf",
    "pdfjs__tracemonkey.pdf",
    "pdfcpu__gobook.0.pdf",
)
EXTRACT_SECONDS = 120


def _extract(path: str, queue: multiprocessing.Queue) -> None:
    from pdfminer.high_level import extract_text

    try:
        queue.put(extract_text(path))
    except Exception as exc:  # a broken PDF only costs us that file
        queue.put(exc)


def extract_corpus() -> str:
    """Text of the benchmark PDFs, one child process per file with a time limit."""
    texts = []
    for name in PDFS:
        path = CORPUS / name
        if not path.exists():
            print(f"  skip {name}: not in {CORPUS}", file=sys.stderr)
            continue
        queue: multiprocessing.Queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=_extract, args=(str(path), queue))
        started = time.perf_counter()
        child.start()
        try:
            result = queue.get(timeout=EXTRACT_SECONDS)
        except Exception:
            result = TimeoutError(f"more than {EXTRACT_SECONDS} s")
        child.join(5)
        if child.is_alive():
            child.kill()
        if isinstance(result, BaseException):
            print(f"  skip {name}: {result}", file=sys.stderr)
            continue
        print(f"  {name}: {len(result.split()):,} words in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        texts.append(result)
    return "\f".join(texts)


def load_text(text_file: str | None) -> str:
    """The benchmark text: --text, else the cache, else freshly extracted PDFs (then cached)."""
    if text_file:
        return Path(text_file).read_text(encoding="utf-8", errors="replace")
    if CACHE.exists():
        return CACHE.read_text(encoding="utf-8")
    print(f"Extracting benchmark text from {CORPUS} (cached in {CACHE}) ...", file=sys.stderr)
    text = extract_corpus()
    if not text.strip():
        sys.exit(f"No text: no benchmark PDFs could be read in {CORPUS}. Pass --text FILE.")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(text, encoding="utf-8")
    return text


def base_model(vocabulary):
    """The model trained on the corpus alone, from the file cache (trained and cached the first time)."""
    from themes.nlp.classifier import TrainingSettings
    from themes.nlp.corpus import load_corpus
    from themes.nlp.model_files import base_model_key, model_from, read_cached, write_cached
    from themes.nlp.training import fit

    folder = ROOT / "var" / "tagger"
    corpus = load_corpus()
    settings = TrainingSettings()
    key = base_model_key(corpus, settings, vocabulary)
    if read_cached(folder, key) is None:
        print("Training the base model once (about a minute; cached in var/tagger/) ...", file=sys.stderr)
        model = fit(corpus, vocabulary, settings=settings)
        meta = {"version": key[:16], "config": model.classifier.config, "calibration": model.calibration.to_json()}
        write_cached(folder, key, meta, model.classifier.to_bytes())
    started = time.perf_counter()
    meta, weights = read_cached(folder, key)
    model = model_from(meta, weights)
    return model, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", help="UTF-8 text file to tag instead of the PDF corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per side; the best counts")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()

    import spacy

    from themes import nlp

    text = load_text(args.text)
    pages = [page for page in text.split("\f") if page.strip()]
    words = len(text.split())
    if not words:
        sys.exit("The benchmark text is empty.")

    started = time.perf_counter()
    vocabulary = nlp.Vocabulary.from_seed()
    nlp.get_tagger(vocabulary)
    build_s = time.perf_counter() - started
    model, load_s = base_model(vocabulary)
    tokenizer = spacy.blank("en").tokenizer

    def run_tagger() -> int:
        return len(nlp.suggest_tags(pages, vocabulary=vocabulary, model=model))

    def run_tokenizer() -> int:
        return sum(len(doc) for doc in tokenizer.pipe(pages, batch_size=32))

    labels, tokens = run_tagger(), run_tokenizer()  # warm-up: caches filled on both sides
    tagger_s, tokenizer_s = [], []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        run_tokenizer()
        t1 = time.perf_counter()
        run_tagger()
        t2 = time.perf_counter()
        tokenizer_s.append(t1 - t0)
        tagger_s.append(t2 - t1)

    words_per_s = words / min(tagger_s)
    tokenizer_words_per_s = words / min(tokenizer_s)
    ratio = words_per_s / tokenizer_words_per_s
    print(f"text: {words:,} words, {tokens:,} tokens, {len(pages):,} pages; tagger built in {build_s:.1f} s")
    print(f"model {model.version} loaded in {load_s:.2f} s (target: well under a second)")
    print(f"tagger:          {words_per_s:>12,.0f} words/s  ({labels} labels suggested)")
    print(f"bare tokenizer:  {tokenizer_words_per_s:>12,.0f} words/s")
    print(f"ratio:           {ratio:>12.3f}  (target >= 0.25)")
    if args.json:
        print(
            json.dumps(
                {
                    "words": words,
                    "words_per_s": round(words_per_s, 1),
                    "tokenizer_words_per_s": round(tokenizer_words_per_s, 1),
                    "ratio": round(ratio, 4),
                    "model_load_s": round(load_s, 3),
                }
            )
        )


if __name__ == "__main__":
    main()
