"""Applying the tagger to publication and lecture pages, with editors' decisions winning.

What is tagged: the latest version of a page (its latest revision, which is what an editor sees
in the page editor). A publication contributes its title, subtitle and abstract and, once its
PDF has been read ("done"), the text of every PDF page; a lecture contributes its title,
abstract and transcript (each timed passage counts as one "page", so evidence carries the time
in the recording instead of a page number).

Every run replaces the page's TagSuggestion rows (score and evidence per label) and then brings
the applied tags (the page's ``country_tags`` / ``theme_tags`` / ``gcm_tags`` rows with
``source="tagger"``) in line with the suggestions above the threshold. An ISO country outside the
taxonomy is suggested but not applied until an editor accepts it (which adds it to the taxonomy
and so retags every page); the tagger never grows the taxonomy on its own.

How tags are written (Wagtail edits pages through revisions, and the editor shows the latest):

- live page without unpublished changes: a new revision with the tags is saved and published at
  once, so the live rows, the search index (page_published) and the editor all agree;
- live page with a draft (or in moderation): a new revision on top of the draft is saved and not
  published; the tags go live with the draft, never sneaking draft content onto the site;
- page never published: like Wagtail's own editor, the rows are saved and a revision recorded.

Page locks are for people: the tagger writes to a locked page too (tags are metadata), while the
accept/reject buttons refuse a page locked by someone else.

Nothing is written when the tags would not change, so retagging an unchanged page creates no
revision, and a publish -> extraction -> tagging chain ends after one round.

Editors win: a label with a rejected TagDecision is never added by the tagger, and a tag whose
source is "editor" or that has an accepted decision is never removed by it. Decisions come from
the accept/reject buttons of the suggestions panel and from the page editor itself (removing a
tag there records a rejection; adding one records an acceptance; see ``record_editor_changes``).

Evidence may quote embargoed full text. It is shown only in the page editor, to people who may
edit the page, and is marked there; it is never part of anything public.
"""

from themes.services.editor import TagSnapshot, record_editor_changes, snapshot_tags, tags_in_submitted_form
from themes.services.pages import (
    FAMILIES,
    FamilySpec,
    TaggingInput,
    TagKey,
    current_tags,
    decisions_for,
    family_spec,
    has_dangling_tags,
    is_taggable,
    resolve_label,
    taggable_page,
    taggable_page_ids,
    taggable_page_models,
    tagging_input,
)
from themes.services.queue import (
    RETAG_ALL_PENDING_KEY,
    RetagAllOnCommit,
    enqueue_tagging,
    retag_all_pages,
    retag_debounce_seconds,
    schedule_retag_all,
)
from themes.services.tagging import (
    TAGS_UPDATED_ACTION,
    TaggingResult,
    TagPlan,
    apply_threshold,
    compute_suggestions,
    decide_tag,
    evidence_json,
    plan_tagger_changes,
    retag_pages,
    show_threshold,
    tag_page,
)

__all__ = [
    "FAMILIES",
    "RETAG_ALL_PENDING_KEY",
    "TAGS_UPDATED_ACTION",
    "FamilySpec",
    "RetagAllOnCommit",
    "TagKey",
    "TagPlan",
    "TagSnapshot",
    "TaggingInput",
    "TaggingResult",
    "apply_threshold",
    "compute_suggestions",
    "current_tags",
    "decide_tag",
    "decisions_for",
    "enqueue_tagging",
    "evidence_json",
    "family_spec",
    "has_dangling_tags",
    "is_taggable",
    "plan_tagger_changes",
    "record_editor_changes",
    "resolve_label",
    "retag_all_pages",
    "retag_debounce_seconds",
    "retag_pages",
    "schedule_retag_all",
    "show_threshold",
    "snapshot_tags",
    "tag_page",
    "taggable_page",
    "taggable_page_ids",
    "taggable_page_models",
    "tagging_input",
    "tags_in_submitted_form",
]
