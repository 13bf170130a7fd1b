"""Score the tagger: on a labelled JSONL file, or on a split of the project's corpus (passages and documents)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from themes.evaluation import (
    FAMILIES,
    METRICS,
    EvaluationInputError,
    Report,
    evaluate,
    evaluate_documents,
    evaluate_passages,
    read_gold_file,
    write_reliability_png,
)
from themes.nlp import Vocabulary
from themes.nlp.corpus import SPLITS, CorpusError, load_corpus
from themes.services.models import active_model


class Command(BaseCommand):
    help = (
        "Score the tagger (the active trained model) and print precision, recall, F1 and macro F1 per family. "
        'Either FILE.jsonl (one {"text" or "pages", "title", "abstract", "countries", "themes", "gcm_objectives"} '
        "object per line) or --split dev|test of the project's corpus, at passage and document level; "
        "--labels adds per-label figures and --picture writes the reliability picture (score against precision)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="JSONL gold file, e.g. tests/themes/data/tagger_holdout.jsonl")
        parser.add_argument("--split", choices=SPLITS, help="score a split of the corpus instead of a file")
        parser.add_argument("--level", choices=("passages", "documents", "both"), default="both")
        parser.add_argument("--labels", action="store_true", help="also print figures per label")
        parser.add_argument("--picture", metavar="PNG", help="write the reliability picture to this PNG file")
        parser.add_argument("--json", action="store_true", help="print exactly one JSON object instead of tables")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["split"]):
            raise CommandError("Give either a FILE or --split (dev or test), not both and not neither.")
        if options["picture"] and not options["split"]:
            raise CommandError("--picture goes with --split (the picture needs the corpus's scores).")
        if options["picture"] and Path(options["picture"]).suffix.lower() != ".png":
            raise CommandError("--picture must name a .png file.")
        vocabulary = Vocabulary.from_db()
        if not (vocabulary.countries or vocabulary.themes or vocabulary.objectives):
            raise CommandError("The taxonomy is empty: run `manage.py migrate` to seed it.")
        model = active_model()
        threshold = settings.TAGGER_APPLY_THRESHOLD
        quiet = options["json"] or options["verbosity"] == 0
        if options["file"]:
            self._file(options, vocabulary, model, threshold, quiet)
        else:
            self._split(options, vocabulary, model, threshold, quiet)

    def _file(self, options, vocabulary, model, threshold, quiet) -> None:
        try:
            lines = read_gold_file(options["file"], vocabulary)
            results = evaluate(lines, vocabulary, model=model, threshold=threshold, progress=not quiet)
        except EvaluationInputError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            payload = {key: {m: round(results[key][m], 4) for m in METRICS} for key in FAMILIES}
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(f"{len(lines)} lines from {options['file']} (model {model.version if model else 'none'})\n")
        self._table(results, options["labels"])

    def _split(self, options, vocabulary, model, threshold, quiet) -> None:
        try:
            corpus = load_corpus(Path(settings.TAGGER_CORPUS_DIR), themes={t.slug for t in vocabulary.themes})
        except CorpusError as exc:
            raise CommandError(f"The corpus cannot be read: {exc}") from None
        split = options["split"]
        reports: list[Report] = []
        if options["level"] in ("passages", "both"):
            passages = corpus.passages_in(split)
            with tqdm(total=len(passages), desc="passages", file=sys.stderr, disable=quiet) as bar:
                reports.append(
                    evaluate_passages(passages, vocabulary, model, threshold=threshold, tick=lambda: bar.update())
                )
        if options["level"] in ("documents", "both"):
            documents = corpus.documents_in(split)
            with tqdm(total=len(documents), desc="documents", file=sys.stderr, disable=quiet) as bar:
                reports.append(
                    evaluate_documents(documents, vocabulary, model, threshold=threshold, tick=lambda: bar.update())
                )
        picture = write_reliability_png(reports, options["picture"], threshold) if options["picture"] else None
        if options["json"]:
            payload = {
                "split": split,
                "model": model.version if model else None,
                **{r.kind: r.as_dict() for r in reports},
            }
            if picture:
                payload["picture"] = str(picture)
            self.stdout.write(json.dumps(payload))
            return
        for report in reports:
            data = report.as_dict()
            self.stdout.write(
                f"\n{split} split, {report.kind}: {report.items} (model {model.version if model else 'none'})"
            )
            self._table(data["families"], options["labels"])
            off = data["off_topic"]
            if off["items"]:
                self.stdout.write(
                    f"off-topic {report.kind}: {off['untagged']} of {off['items']} got no theme or objective "
                    f"({off['share_untagged']:.0%})"
                )
        if picture:
            self.stdout.write(f"\nReliability picture: {picture}")

    def _table(self, results: dict[str, Any], per_label: bool) -> None:
        header = (
            f"{'family':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'macro F1':>10}"
            f"{'TP':>6}{'FP':>6}{'FN':>6}{'lines':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for key in FAMILIES:
            r = results[key]
            self.stdout.write(
                f"{key:<16}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>8.3f}{r['macro_f1']:>10.3f}"
                f"{r['tp']:>6}{r['fp']:>6}{r['fn']:>6}{r['lines']:>7}"
            )
        if not per_label:
            return
        for key in FAMILIES:
            self.stdout.write(f"\n{key} by label")
            for label, figures in results[key]["labels"].items():
                self.stdout.write(
                    f"  {label:<28}{figures['precision']:>8.3f}{figures['recall']:>8.3f}{figures['f1']:>8.3f}"
                    f"{figures['tp']:>6}{figures['fp']:>6}{figures['fn']:>6}"
                )
