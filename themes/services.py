"""Applying the tagger to publication and lecture pages, with editors' decisions winning.

What is tagged: the latest version of a page (its latest revision, which is what an editor sees
in the page editor). A publication contributes its title, subtitle and abstract and, once its
PDF has been read ("done"), the text of every PDF page; a lecture contributes its title,
abstract and transcript (each timed passage counts as one "page", so evidence carries the time
in the recording instead of a page number).

Every run replaces the page's TagSuggestion rows (score and evidence per label) and then brings
the applied tags (the page's ``country_tags`` / ``theme_tags`` / ``gcm_tags`` rows with
``source="tagger"``) in line with the suggestions above the threshold.

How tags are written (Wagtail edits pages through revisions, and the editor shows the latest):

- live page without unpublished changes: a new revision with the tags is saved and published at
  once, so the live rows, the search index (page_published) and the editor all agree;
- live page with a draft (or in moderation): a new revision on top of the draft is saved and not
  published; the tags go live with the draft, never sneaking draft content onto the site;
- page never published: like Wagtail's own editor, the rows are saved and a revision recorded.

Nothing is written when the tags would not change, so retagging an unchanged page creates no
revision, and a publish -> extraction -> tagging chain ends after one round.

Editors win: a label with a rejected TagDecision is never added by the tagger, and a tag whose
source is "editor" or that has an accepted decision is never removed by it. Decisions come from
the accept/reject buttons of the suggestions panel and from the page editor itself (removing a
tag there records a rejection; adding one records an acceptance; see ``record_editor_changes``).

Evidence may quote embargoed full text. It is shown only in the page editor, to people who may
edit the page, and is marked there; it is never part of anything public.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Page, get_page_models

from themes.exceptions import NotTaggable, UnknownFamily, UnknownLabel
from themes.models import Country, Family, GCMObjective, TagDecision, TagSource, TagSuggestion, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from themes.nlp import Suggestion, Vocabulary

logger = logging.getLogger(__name__)

TagKey = tuple[str, str]  # (family, code)

#: Wagtail log action recorded on the revisions the tagger (or a panel decision) saves.
TAGS_UPDATED_ACTION = "themes.tags_updated"
#: Cache key marking that a retag of every page is queued and has not started yet.
RETAG_ALL_PENDING_KEY = "themes:retag-all-pending"


@dataclass(frozen=True)
class FamilySpec:
    """Where one family of labels lives: the page relation, its FK and the taxonomy model."""

    family: str
    relation: str
    field: str
    model: type[models.Model]
    code_field: str

    def code_of(self, label: models.Model) -> str:
        return str(getattr(label, self.code_field))

    def normalise(self, code: str) -> str:
        code = str(code).strip()
        if self.family == Family.COUNTRY:
            return code.upper()
        if self.family == Family.GCM_OBJECTIVE:
            return code.lstrip("0") or code
        return code


FAMILIES: dict[str, FamilySpec] = {
    Family.COUNTRY.value: FamilySpec(Family.COUNTRY.value, "country_tags", "country", Country, "alpha2"),
    Family.THEME.value: FamilySpec(Family.THEME.value, "theme_tags", "theme", Theme, "slug"),
    Family.GCM_OBJECTIVE.value: FamilySpec(Family.GCM_OBJECTIVE.value, "gcm_tags", "objective", GCMObjective, "number"),
}


def family_spec(family: str) -> FamilySpec:
    """The spec of a family name, or UnknownFamily."""
    try:
        return FAMILIES[family]
    except KeyError:
        raise UnknownFamily(family) from None


# --- Settings ----------------------------------------------------------------------------------


def apply_threshold() -> float:
    """Score from which the tagger applies a label (settings.TAGGER_APPLY_THRESHOLD, else nlp's)."""
    from themes import nlp

    return float(getattr(settings, "TAGGER_APPLY_THRESHOLD", nlp.THRESHOLD))


def show_threshold() -> float:
    """Score from which a label is kept as a suggestion for editors to consider (never above apply)."""
    return min(float(getattr(settings, "TAGGER_SHOW_THRESHOLD", 0.2)), apply_threshold())


def retag_debounce_seconds() -> int:
    """How long a vocabulary change waits before retagging, so a burst of edits costs one run."""
    return int(getattr(settings, "TAGGER_RETAG_DEBOUNCE_S", 60))


# --- Which pages carry tags --------------------------------------------------------------------


def is_taggable(page: Any) -> bool:
    """True when the page (or page class) has the three tag relations (publications, lectures)."""
    cls = page if isinstance(page, type) else type(page)
    return all(hasattr(cls, spec.relation) for spec in FAMILIES.values())


def taggable_page_models() -> list[type[Page]]:
    """Every page model whose pages the tagger works on."""
    return [model for model in get_page_models() if is_taggable(model)]


def taggable_page_ids() -> list[int]:
    """Ids of every taggable page, drafts included, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    content_types = ContentType.objects.get_for_models(*taggable_page_models()).values()
    return list(Page.objects.filter(content_type__in=content_types).order_by("pk").values_list("pk", flat=True))


def taggable_page(page_id: int, *, lock: bool = False) -> Page:
    """The specific page with that id (row-locked if asked), or NotTaggable."""
    queryset = Page.objects.select_for_update() if lock else Page.objects.all()
    page = queryset.filter(pk=page_id).first()
    specific = page.specific if page is not None else None
    if specific is None or not is_taggable(specific):
        raise NotTaggable(page_id)
    return specific


# --- Reading a page's tags ---------------------------------------------------------------------


def _codes_by_label_id(spec: FamilySpec, ids: Iterable[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {pk: str(code) for pk, code in spec.model.objects.filter(pk__in=ids).values_list("pk", spec.code_field)}


def current_tags(page: Page) -> dict[TagKey, str]:
    """The page's applied tags (in memory: what this version of the page holds) -> their source."""
    tags: dict[TagKey, str] = {}
    for family, spec in FAMILIES.items():
        rows = list(getattr(page, spec.relation).all())
        codes = _codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in rows))
        for row in rows:
            code = codes.get(getattr(row, f"{spec.field}_id"))
            if code is not None:
                tags[(family, code)] = row.source
    return tags


def decisions_for(page_id: int) -> dict[TagKey, str]:
    """Editors' decisions on the page's labels: (family, code) -> accepted | rejected."""
    return {
        (family, code): decision
        for family, code, decision in TagDecision.objects.filter(page_id=page_id).values_list(
            "family", "code", "decision"
        )
    }


# --- What the tagger reads ---------------------------------------------------------------------


@dataclass
class TaggingInput:
    """The texts of one page handed to the tagger."""

    title: str = ""
    abstract: str = ""
    pages: list[str] = field(default_factory=list)
    #: For transcripts: the start (seconds) of each "page", which is one timed passage.
    times: list[int] | None = None
    #: True when ``pages`` is full text still under embargo.
    restricted: bool = False


def tagging_input(page: Page) -> TaggingInput:
    """Title, abstract and body text of a publication or lecture (duck-typed on the contracts)."""
    parts = [getattr(page, "subtitle", "") or "", getattr(page, "abstract", "") or ""]
    result = TaggingInput(title=page.title or "", abstract="\n\n".join(p.strip() for p in parts if p.strip()))
    if hasattr(page, "extraction"):
        extraction = page.extraction
        if extraction is not None and extraction.status == "done":
            result.pages = [text or "" for text in (extraction.pages or [])]
            full_text_is_public = getattr(page, "full_text_is_public", None)
            result.restricted = bool(result.pages) and callable(full_text_is_public) and not full_text_is_public()
    elif hasattr(page, "transcript_segments"):
        segments = page.transcript_segments() if (getattr(page, "transcript", "") or "").strip() else []
        result.pages = [text for _seconds, text in segments]
        result.times = [seconds for seconds, _text in segments]
    return result


def compute_suggestions(inputs: TaggingInput, vocabulary: Vocabulary | None = None) -> list[Suggestion]:
    """Run the tagger over a page's texts; keeps labels from the show threshold up."""
    from themes.nlp import Vocabulary, suggest_tags

    return suggest_tags(
        inputs.pages,
        title=inputs.title,
        abstract=inputs.abstract,
        vocabulary=vocabulary or Vocabulary.from_db(),
        threshold=show_threshold(),
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


def resolve_label(family: str, code: str, *, create_country: bool = False) -> models.Model:
    """The taxonomy object for a label; ISO countries outside the taxonomy are added on request."""
    spec = family_spec(family)
    code = spec.normalise(code)
    if spec.family == Family.GCM_OBJECTIVE and not code.isdigit():
        raise UnknownLabel(family, code)
    label = spec.model.objects.filter(**{spec.code_field: code}).first()
    if label is None and create_country and spec.family == Family.COUNTRY:
        label = _add_iso_country(code)
    if label is None:
        raise UnknownLabel(family, code)
    return label


def _add_iso_country(alpha2: str) -> Country | None:
    import pycountry

    if not re.fullmatch(r"[A-Z]{2}", alpha2):
        return None
    record = pycountry.countries.get(alpha_2=alpha2)
    if record is None:
        return None
    country = Country(
        alpha2=record.alpha_2,
        alpha3=record.alpha_3,
        name=getattr(record, "common_name", None) or record.name,
        iso_name=record.name,
    )
    # The tagger already knew the ISO names, so this is no vocabulary change worth a retag.
    country._themes_added_by_tagger = True
    country.save()
    logger.info("Added %s (%s) to the taxonomy: the tagger found it in a document", country.name, alpha2)
    return country


def _apply_plan(page: Page, plan: TagPlan, labels: Mapping[TagKey, models.Model]) -> None:
    """Change the page's tag rows in memory (modelcluster); saving is _save_tags' job."""
    for family, spec in FAMILIES.items():
        manager = getattr(page, spec.relation)
        rows = list(manager.all())
        codes = _codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in rows))
        kept = []
        for row in rows:
            key = (family, codes.get(getattr(row, f"{spec.field}_id"), ""))
            if key in plan.remove:
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
                    labels[key] = resolve_label(*key, create_country=True)
                except UnknownLabel:
                    logger.warning("Tagger suggested %s:%s, which is not in the taxonomy", *key)
        plan = plan_tagger_changes(current_tags(version), scores, decisions_for(page_id), threshold, set(labels))
        if plan:
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


def decide_tag(page_id: int, family: str, code: str, decision: str, user: AbstractBaseUser | None) -> TaggingResult:
    """Record an editor's accept or reject and add (as the editor's) or remove the tag accordingly."""
    if decision not in TagDecision.Decision.values:
        raise ValueError(f"Unknown decision {decision!r}")
    spec = family_spec(family)
    label = resolve_label(family, code, create_country=decision == TagDecision.Decision.ACCEPTED)
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


@dataclass
class TagSnapshot:
    """A page version's tags, and which tag each stored row holds (to recognise rows in a form)."""

    sources: dict[TagKey, str]
    rows: dict[tuple[str, int], TagKey]


def snapshot_tags(page: Page) -> TagSnapshot:
    """The tags of a page version, with the ids of rows that exist in the database."""
    rows: dict[tuple[str, int], TagKey] = {}
    for family, spec in FAMILIES.items():
        items = list(getattr(page, spec.relation).all())
        codes = _codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in items))
        for row in items:
            code = codes.get(getattr(row, f"{spec.field}_id"))
            if row.pk is not None and code is not None:
                rows[(spec.relation, row.pk)] = (family, code)
    return TagSnapshot(sources=current_tags(page), rows=rows)


def tags_in_submitted_form(data: Mapping[str, Any], before: TagSnapshot) -> set[TagKey]:
    """Every tag the editor's form contained, kept or deleted, read from the inline formsets' fields."""
    seen: set[TagKey] = set()
    for family, spec in FAMILIES.items():
        pattern = re.compile(rf"^{re.escape(spec.relation)}-\d+-({re.escape(spec.field)}|id)$")
        label_ids: set[int] = set()
        for name in data:
            match = pattern.match(name)
            value = str(data.get(name) or "")
            if not match or not value.isdigit():
                continue
            if match.group(1) == "id":
                key = before.rows.get((spec.relation, int(value)))
                if key is not None:
                    seen.add(key)
            else:
                label_ids.add(int(value))
        seen.update((family, code) for code in _codes_by_label_id(spec, label_ids).values())
    return seen


def record_editor_changes(
    before: TagSnapshot, page: Page, data: Mapping[str, Any], user: AbstractBaseUser | None
) -> list[TagDecision]:
    """Turn an editor's save in the page editor into decisions the tagger will respect.

    A tag that was in the editor's form and is gone after the save was removed by the editor:
    rejected. A tag that is new after the save was put there by the editor: accepted. A tagger tag
    the editor never saw (the tagger wrote it to a draft while the form was open) and that the save
    therefore dropped is restored by tagging the page again.
    """
    after = current_tags(page)
    seen = tags_in_submitted_form(data, before)
    removed = [key for key in before.sources if key not in after and key in seen]
    added = [key for key in after if key not in before.sources]
    lost = [key for key, source in before.sources.items() if key not in after and key not in seen]
    decisions = []
    for keys, decision in ((removed, TagDecision.Decision.REJECTED), (added, TagDecision.Decision.ACCEPTED)):
        for family, code in keys:
            obj, _created = TagDecision.objects.update_or_create(
                page_id=page.pk, family=family, code=code, defaults={"decision": decision, "decided_by": user}
            )
            decisions.append(obj)
    if lost and any(before.sources[key] == TagSource.TAGGER for key in lost):
        page_id = page.pk
        transaction.on_commit(lambda: enqueue_tagging(page_id))
    if decisions:
        logger.info("Editor %s on page %s: %s", user, page.pk, [str(d) for d in decisions])
    return decisions


# --- Queueing ----------------------------------------------------------------------------------


def enqueue_tagging(page_id: int) -> None:
    """Queue tagging of one page."""
    from themes.tasks import tag_page as tag_page_task

    tag_page_task.enqueue(page_id)


class _RetagAllOnCommit:
    """The on-commit callback queueing a retag of everything; knows whether it has run yet."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _enqueue_retag_all_once()


def schedule_retag_all() -> None:
    """Queue one retag of every page once the current transaction commits; repeated calls coalesce."""
    # Several vocabulary saves in one transaction need one callback. Django drops the callbacks
    # of rolled-back savepoints from run_on_commit, so a pending one here will really run.
    pending = (entry[1] for entry in getattr(transaction.get_connection(), "run_on_commit", ()))
    if any(isinstance(callback, _RetagAllOnCommit) and not callback.done for callback in pending):
        return
    transaction.on_commit(_RetagAllOnCommit())


def _enqueue_retag_all_once() -> None:
    from themes.tasks import retag_all

    delay = retag_debounce_seconds()
    # A retag that is queued but has not started will see this change too: don't queue another.
    if not cache.add(RETAG_ALL_PENDING_KEY, timezone.now().isoformat(), timeout=delay + 3600):
        logger.info("Vocabulary changed; a retag of every page is already queued")
        return
    task = retag_all
    if delay > 0 and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        task.enqueue()
    except Exception:
        cache.delete(RETAG_ALL_PENDING_KEY)
        raise
    logger.info("Vocabulary changed; retag of every page queued (in %ss)", delay)


def retag_all_pages() -> dict[str, int]:
    """Retag every taggable page; returns counts (the body of the retag_all task)."""
    # Cleared first so that a vocabulary change made while this runs queues a fresh retag.
    cache.delete(RETAG_ALL_PENDING_KEY)
    counts = {"pages": 0, "changed": 0, "failed": 0}
    for outcome in retag_pages():
        counts["pages"] += 1
        if isinstance(outcome, Exception):
            counts["failed"] += 1
        elif outcome.changed:
            counts["changed"] += 1
    logger.info("Retagged every page: %s", counts)
    return counts
