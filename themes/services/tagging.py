"""Running the tagger over a page and writing its tags back; accepting and rejecting labels."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from wagtail.models import Page

from themes.exceptions import NotTaggable, UnknownLabel
from themes.models import TagDecision, TagSource, TagSuggestion
from themes.services.pages import (
    FAMILIES,
    TaggingInput,
    TagKey,
    codes_by_label_id,
    current_tags,
    decisions_for,
    family_spec,
    has_dangling_tags,
    resolve_label,
    taggable_page,
    taggable_page_ids,
    tagging_input,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from themes.nlp import Suggestion, Vocabulary

logger = logging.getLogger(__name__)

#: Wagtail log action recorded on the revisions the tagger (or a panel decision) saves.
TAGS_UPDATED_ACTION = "themes.tags_updated"


def apply_threshold() -> float:
    """Score from which the tagger applies a label (settings.TAGGER_APPLY_THRESHOLD)."""
    return settings.TAGGER_APPLY_THRESHOLD


def show_threshold() -> float:
    """Score from which a label is kept as a suggestion for editors to consider (never above apply)."""
    return min(settings.TAGGER_SHOW_THRESHOLD, apply_threshold())


def compute_suggestions(inputs: TaggingInput, vocabulary: Vocabulary | None = None) -> list[Suggestion]:
    """Run the tagger (the active trained model) over a page's texts; keeps labels from the show threshold up."""
    from themes.nlp import Vocabulary, suggest_tags
    from themes.services.models import active_model

    return suggest_tags(
        inputs.pages,
        title=inputs.title,
        abstract=inputs.abstract,
        vocabulary=vocabulary or Vocabulary.from_db(),
        threshold=show_threshold(),
        model=active_model(),
    )


def evidence_json(suggestion: Suggestion, inputs: TaggingInput) -> list[dict[str, Any]]:
    """The evidence as stored on TagSuggestion: page numbers, or times for transcripts."""
    items = []
    for evidence in suggestion.evidence:
        item: dict[str, Any] = {"page": evidence.page, "text": evidence.text, "where": evidence.where}
        if evidence.where == "body" and inputs.times is not None and evidence.page:
            item["page"] = None
            item["time"] = inputs.times[evidence.page - 1]
        if evidence.where == "body" and inputs.restricted:
            item["embargoed"] = True
        items.append(item)
    return items


# --- Deciding what changes ---------------------------------------------------------------------


@dataclass
class TagPlan:
    """Changes to a page's applied tags."""

    add: dict[TagKey, str] = field(default_factory=dict)  # key -> source of the new row
    remove: set[TagKey] = field(default_factory=set)
    promote: set[TagKey] = field(default_factory=set)  # tagger rows an editor accepted -> source editor

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.promote)


def plan_tagger_changes(
    current: Mapping[TagKey, str],
    suggested: Mapping[TagKey, float],
    decisions: Mapping[TagKey, str],
    threshold: float,
    known: set[TagKey] | None = None,
) -> TagPlan:
    """What the tagger changes: add what it finds, drop its own tags it no longer finds; editors win."""
    wanted = {
        key
        for key, score in suggested.items()
        if score >= threshold
        and decisions.get(key) != TagDecision.Decision.REJECTED
        and (known is None or key in known)
    }
    plan = TagPlan()
    plan.add = dict.fromkeys(sorted(wanted - current.keys()), TagSource.TAGGER)
    for key, source in current.items():
        if source != TagSource.TAGGER:
            continue
        if decisions.get(key) == TagDecision.Decision.ACCEPTED:
            plan.promote.add(key)
        elif key not in wanted:
            plan.remove.add(key)
    return plan


def _apply_plan(page: Page, plan: TagPlan, labels: Mapping[TagKey, models.Model]) -> None:
    """Change the page's tag rows in memory (modelcluster); saving is _save_tags' job.

    Rows pointing at a taxonomy term that was deleted go too: revisions keep them after the
    database rows are gone, and the page editor would refuse to save them.
    """
    for family, spec in FAMILIES.items():
        manager = getattr(page, spec.relation)
        rows = list(manager.all())
        codes = codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in rows))
        kept = []
        for row in rows:
            code = codes.get(getattr(row, f"{spec.field}_id"))
            key = (family, code or "")
            if code is None or key in plan.remove:
                continue
            if key in plan.promote:
                row.source = TagSource.EDITOR
            kept.append(row)
        order = max((getattr(row, "sort_order", 0) or 0 for row in kept), default=-1)
        for key, source in plan.add.items():
            if key[0] != family:
                continue
            order += 1
            row = manager.model(**{spec.field: labels[key], "source": source})
            if hasattr(row, "sort_order"):
                row.sort_order = order
            kept.append(row)
        manager.set(kept)


def _save_tags(page: Page, version: Page, *, user: AbstractBaseUser | None, may_publish: bool) -> str:
    """Write the changed version back the way Wagtail's editor would; returns how it was written."""
    if page.live and not page.has_unpublished_changes:
        revision = version.save_revision(user=user, log_action=TAGS_UPDATED_ACTION, clean=False)
        if may_publish:
            revision.publish(user=user, skip_permission_checks=True)
            return "published"
        return "draft"
    if not page.live:
        # Pages never published keep their rows in step with the latest revision, as in the editor.
        version.save(clean=False)
        version.save_revision(user=user, log_action=TAGS_UPDATED_ACTION, clean=False)
        return "saved"
    version.save_revision(user=user, log_action=TAGS_UPDATED_ACTION, clean=False)
    return "draft"


# --- Tagging a page ----------------------------------------------------------------------------


@dataclass
class TaggingResult:
    """What one tagging run found and changed."""

    page_id: int
    title: str = ""
    suggestions: int = 0
    added: list[TagKey] = field(default_factory=list)
    removed: list[TagKey] = field(default_factory=list)
    promoted: list[TagKey] = field(default_factory=list)
    #: "published", "draft", "saved", or "" when nothing needed writing.
    written: str = ""
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.promoted)


def tag_page(page_id: int, *, vocabulary: Vocabulary | None = None, dry_run: bool = False) -> TaggingResult:
    """Suggest tags for a page, store the suggestions and apply those above the threshold."""
    page = taggable_page(page_id)
    inputs = tagging_input(page.get_latest_revision_as_object())
    # The NLP runs outside the transaction: it can take seconds and needs no lock.
    suggestions = compute_suggestions(inputs, vocabulary)
    scores = {(s.family, s.code): s.score for s in suggestions}
    threshold = apply_threshold()
    result = TaggingResult(page_id=page_id, title=page.title, suggestions=len(suggestions), dry_run=dry_run)

    if dry_run:
        plan = plan_tagger_changes(
            current_tags(page.get_latest_revision_as_object()), scores, decisions_for(page_id), threshold
        )
        result.added, result.removed, result.promoted = sorted(plan.add), sorted(plan.remove), sorted(plan.promote)
        return result

    with transaction.atomic():
        page = taggable_page(page_id, lock=True)
        # Re-read under the lock: an editor may have saved while the tagger was reading.
        version = page.get_latest_revision_as_object()
        TagSuggestion.objects.filter(page_id=page_id).delete()
        TagSuggestion.objects.bulk_create(
            TagSuggestion(
                page_id=page_id,
                family=s.family,
                code=s.code,
                score=s.score,
                evidence=evidence_json(s, inputs),
            )
            for s in suggestions
        )
        labels: dict[TagKey, models.Model] = {}
        for key, score in scores.items():
            if score >= threshold:
                try:
                    labels[key] = resolve_label(*key)
                except UnknownLabel:
                    # An ISO country outside the taxonomy: kept as a suggestion for editors to accept.
                    logger.info("Page %s: %s:%s suggested but not in the taxonomy", page_id, *key)
        plan = plan_tagger_changes(current_tags(version), scores, decisions_for(page_id), threshold, set(labels))
        if plan or has_dangling_tags(version):
            _apply_plan(version, plan, labels)
            result.written = _save_tags(page, version, user=None, may_publish=True)
        result.added, result.removed, result.promoted = sorted(plan.add), sorted(plan.remove), sorted(plan.promote)
    logger.info(
        "Tagged page %s: %d suggestions, +%s -%s (%s)",
        page_id,
        result.suggestions,
        result.added,
        result.removed,
        result.written or "unchanged",
    )
    return result


def retag_pages(page_ids: Iterable[int] | None = None, *, dry_run: bool = False) -> Iterator[TaggingResult | Exception]:
    """Tag pages one by one (default: every taggable page) with one vocabulary; yields each outcome.

    A page that fails is logged and yielded as its exception, so one broken page stops nothing.
    """
    from themes.nlp import Vocabulary

    vocabulary = Vocabulary.from_db()
    for page_id in taggable_page_ids() if page_ids is None else page_ids:
        try:
            yield tag_page(page_id, vocabulary=vocabulary, dry_run=dry_run)
        except NotTaggable as exc:
            yield exc
        except Exception as exc:
            logger.exception("Tagging page %s failed", page_id)
            yield exc


# --- Editors' decisions ------------------------------------------------------------------------


def decide_tag(
    page_id: int,
    family: str,
    code: str,
    decision: str,
    user: AbstractBaseUser | None,
    *,
    add_country: bool = False,
) -> TaggingResult:
    """Record an editor's accept or reject and add (as the editor's) or remove the tag accordingly.

    Accepting a country that is not in the taxonomy adds it to the taxonomy (a public country page
    and search filter) only with ``add_country``; otherwise it is refused as UnknownLabel, so the
    admin can ask the editor first.
    """
    if decision not in TagDecision.Decision.values:
        raise ValueError(f"Unknown decision {decision!r}")
    spec = family_spec(family)
    label = resolve_label(family, code, create_country=add_country and decision == TagDecision.Decision.ACCEPTED)
    key = (spec.family, spec.code_of(label))
    with transaction.atomic():
        page = taggable_page(page_id, lock=True)
        TagDecision.objects.update_or_create(
            page_id=page_id, family=key[0], code=key[1], defaults={"decision": decision, "decided_by": user}
        )
        version = page.get_latest_revision_as_object()
        current = current_tags(version)
        plan = TagPlan()
        if decision == TagDecision.Decision.ACCEPTED:
            if key not in current:
                plan.add[key] = TagSource.EDITOR
            elif current[key] != TagSource.EDITOR:
                plan.promote.add(key)
        elif key in current:
            plan.remove.add(key)
        result = TaggingResult(page_id=page_id, title=page.title)
        if plan:
            may_publish = user is None or page.permissions_for_user(user).can_publish()
            _apply_plan(version, plan, {key: label})
            result.written = _save_tags(page, version, user=user, may_publish=may_publish)
        result.added, result.removed, result.promoted = sorted(plan.add), sorted(plan.remove), sorted(plan.promote)
    logger.info("Page %s: %s %s:%s by %s", page_id, decision, key[0], key[1], user)
    return result
