"""Score the tagger against a hand-labelled JSONL file: precision, recall and F1 per family."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from themes.evaluation import FAMILIES, METRICS, EvaluationInputError, evaluate, read_gold_file
from themes.nlp import Vocabulary


class Command(BaseCommand):
    help = (
        'Run the tagger over FILE.jsonl (one {"text", "countries", "themes", "gcm_objectives"} '
        "object per line) with the vocabulary in the database and print precision, recall, F1 and "
        "macro F1 for countries, themes and GCM objectives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSONL gold file, e.g. tests/themes/data/tagger_dev.jsonl")
        parser.add_argument("--json", action="store_true", help="print exactly one JSON object instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        vocabulary = Vocabulary.from_db()
        if not (vocabulary.countries or vocabulary.themes or vocabulary.objectives):
            raise CommandError("The taxonomy is empty: run `manage.py migrate` to seed it.")
        try:
            lines = read_gold_file(options["file"], vocabulary)
            results = evaluate(lines, vocabulary, progress=not options["json"] and options["verbosity"] > 0)
        except EvaluationInputError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            payload = {key: {m: round(results[key][m], 4) for m in METRICS} for key in FAMILIES}
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(f"{len(lines)} lines from {options['file']}\n")
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
