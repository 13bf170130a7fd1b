"""Training the tagger: reproducible, learns from editors, never installs a worse model, loads from its cache.

The commands run on a slice of the real corpus (the first items of every file) so that a training
run takes seconds; what is tested is the workflow, not the figures (test_corpus.py and
test_nlp.py check those on the whole corpus).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import themes as factories
from tests.factories.publications import make_index
from themes import services
from themes.models import TagDecision, TaggerModel
from themes.nlp.corpus import CORPUS_DIR, load_corpus
from themes.services import models as tagger_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_corpus(settings, tmp_path) -> Path:
    """The first 40 passages and 5 documents of every corpus file, as the corpus; its own model cache."""
    folder = tmp_path / "corpus"
    for kind, count in (("passages", 40), ("documents", 5)):
        (folder / kind).mkdir(parents=True)
        for path in sorted((CORPUS_DIR / kind).glob("*.jsonl")):
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:count]
            (folder / kind / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.TAGGER_CORPUS_DIR = folder
    settings.TAGGER_CACHE_DIR = tmp_path / "cache"
    TaggerModel.objects.all().delete()
    return folder


def train(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("train_tagger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_training_installs_a_model_and_reports_the_dev_figures_with_progress(small_corpus):
    out, err = train("--no-feedback")
    model = TaggerModel.objects.get(active=True)
    assert f"Model {model.version} installed" in out
    for row in ("passages themes", "passages gcm_objectives", "documents themes", "documents gcm_objectives"):
        assert row in out
    assert "training" in err and "calibrating documents" in err  # the progress bars
    assert model.dev_scores["documents"]["gcm_objectives"]["f1"] > 0.5
    assert set(model.calibration) >= {"thresholds", "title_weight", "document_gate", "max_labels"}
    assert len(bytes(model.weights)) < 8 * 1024 * 1024  # small enough to keep in a row
    assert model.corpus_fingerprint == load_corpus(small_corpus).fingerprint


def test_training_is_reproducible(small_corpus):
    first = train("--no-feedback", "--dry-run")[0]
    second = train("--no-feedback", "--dry-run")[0]
    version = [line for line in first.splitlines() if line.startswith("Model ")]
    assert version and version == [line for line in second.splitlines() if line.startswith("Model ")]
    assert "dry run: nothing installed" in first and not TaggerModel.objects.exists()


def test_a_model_that_scores_worse_is_not_installed(small_corpus):
    train("--no-feedback")
    good = TaggerModel.objects.get(active=True)
    out, _err = train("--no-feedback", "--epochs", "1")  # one pass over the data: clearly worse
    assert "was not installed: the new model scores worse on the dev split" in out
    assert TaggerModel.objects.get(active=True).pk == good.pk
    # Forcing it is possible, and recorded.
    train("--no-feedback", "--epochs", "1", "--force")
    forced = TaggerModel.objects.get(active=True)
    assert forced.pk != good.pk and forced.note == "forced"


def test_if_missing_trains_only_once(small_corpus):
    train("--if-missing", "--no-feedback")
    out, _err = train("--if-missing")
    assert "A tagger model is installed; nothing to do." in out
    assert TaggerModel.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "must be 1 or more"),
        (["--epochs", "many"], "is not a whole number"),
        (["--dry-run", "--force"], "contradict each other"),
    ],
)
def test_bad_arguments_are_refused(small_corpus, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("train_tagger", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_broken_corpus_is_a_clear_error(small_corpus):
    (small_corpus / "passages" / "zz-broken.jsonl").write_text('{"id": "p-x", "text": "x", "themes": ["kafala"]}\n')
    with pytest.raises(CommandError, match=r"zz-broken.jsonl, line 1: unknown theme 'kafala'"):
        call_command("train_tagger", stdout=io.StringIO(), stderr=io.StringIO())
    assert not TaggerModel.objects.exists()


def test_editors_decisions_are_folded_in_as_examples(small_corpus, site_root):
    train("--no-feedback")
    index = make_index(site_root)
    page = factories.publication(
        index,
        slug="decided",
        title="Money sent home",
        abstract="Families in the hill districts live on the money their sons send home from Malaysia.",
    )
    services.tag_page(page.pk)
    services.decide_tag(page.pk, "theme", "remittances", TagDecision.Decision.ACCEPTED, None)
    services.decide_tag(page.pk, "gcm_objective", "23", TagDecision.Decision.REJECTED, None)

    examples = tagger_models.feedback_examples(["theme:remittances", "gcm:23"])
    by_label = {(label, value) for example in examples for label, value in example.cats.items()}
    assert {("theme:remittances", 1.0), ("gcm:23", 0.0)} <= by_label
    assert all(len(example.cats) == 1 for example in examples)  # nothing said about other labels
    assert any("money their sons send home" in example.text for example in examples)

    out, _err = train("--dry-run")
    assert f"Editor decisions folded in: {len(examples)} examples." in out


def test_the_base_model_comes_from_the_cache_when_the_database_has_none(small_corpus, settings):
    tagger_models.install_base_model()
    first = TaggerModel.objects.get(active=True)
    cached = list(Path(settings.TAGGER_CACHE_DIR).glob("*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["version"] == first.version

    TaggerModel.objects.all().delete()  # a fresh database (or a test that emptied it)
    report = tagger_models.install_base_model()
    assert report.reason == "installed from the cache"
    assert TaggerModel.objects.get(active=True).version == first.version
