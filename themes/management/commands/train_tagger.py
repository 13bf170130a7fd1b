"""Train the tagger on the corpus and editors' decisions; install it only when it is no worse."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from themes.models import TaggerModel
from themes.nlp.classifier import TrainingSettings
from themes.services.models import SCORE_KEYS, NoCorpus, install_base_model, overall, train_and_install


def _positive_int(value: str) -> int:
    from argparse import ArgumentTypeError

    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise ArgumentTypeError("must be 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Train the tagger's classifier on the labelled corpus (themes/corpus/) and on editors' accepted and "
        "rejected suggestions, calibrate it on the dev split, compare it with the active model on the dev "
        "split and install it only if it scores at least as well. Reproducible: a fixed seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-missing", action="store_true", help="only train when no model is installed yet")
        parser.add_argument("--no-feedback", action="store_true", help="leave editors' decisions out")
        parser.add_argument("--dry-run", action="store_true", help="train and compare, install nothing")
        parser.add_argument("--force", action="store_true", help="install even if the new model scores worse")
        parser.add_argument("--seed", type=int, default=TrainingSettings.seed, help="random seed (default %(default)s)")
        parser.add_argument(
            "--epochs", type=_positive_int, default=TrainingSettings.epochs, help="passes over the data (%(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_missing"] and TaggerModel.objects.filter(active=True).exists():
            self.stdout.write("A tagger model is installed; nothing to do.")
            return
        if options["if_missing"] and options["no_feedback"] and not options["dry_run"]:
            # The base model: from the file cache when this corpus and code trained it before.
            try:
                report = install_base_model()
            except NoCorpus as exc:
                raise CommandError(f"The labelled corpus cannot be read: {exc}") from None
            self.stdout.write(self.style.SUCCESS(f"Model {report.version} {report.reason}."))
            return
        if options["dry_run"] and options["force"]:
            raise CommandError("--dry-run and --force contradict each other.")
        bars: dict[str, tqdm] = {}
        quiet = options["verbosity"] == 0

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=total, desc=stage, unit="step", file=self.stderr, disable=quiet)
            bar.update(done - bar.n)

        settings = TrainingSettings(seed=options["seed"], epochs=options["epochs"])
        try:
            report = train_and_install(
                include_feedback=not options["no_feedback"],
                force=options["force"],
                dry_run=options["dry_run"],
                settings=settings,
                progress=progress,
            )
        except NoCorpus as exc:
            raise CommandError(f"The labelled corpus cannot be read: {exc}") from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(f"Editor decisions folded in: {report.feedback_examples} examples.")
        self.stdout.write(f"{'dev split F1':<28}{'active model':>14}{'new model':>12}")
        for kind, family in SCORE_KEYS:
            before = report.before.get(kind, {}).get(family, {}).get("f1")
            after = report.after.get(kind, {}).get(family, {}).get("f1")
            shown = f"{before:.3f}" if before is not None else "-"
            self.stdout.write(f"{kind + ' ' + family:<28}{shown:>14}{after:>12.3f}")
        shown = f"{overall(report.before):.3f}" if report.before else "-"
        self.stdout.write(f"{'overall':<28}{shown:>14}{overall(report.after):>12.3f}")
        if report.installed:
            self.stdout.write(self.style.SUCCESS(f"Model {report.version} {report.reason}."))
        elif options["dry_run"]:
            self.stdout.write(f"Model {report.version}: {report.reason}.")
        else:
            self.stdout.write(self.style.WARNING(f"Model {report.version} was not installed: {report.reason}."))
