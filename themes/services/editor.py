"""Reading an editor's save in the page editor as decisions the tagger respects."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from wagtail.models import Page

from themes.models import TagDecision, TagSource
from themes.services.pages import FAMILIES, TagKey, codes_by_label_id, current_tags
from themes.services.queue import enqueue_tagging

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)


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
        codes = codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in items))
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
        seen.update((family, code) for code in codes_by_label_id(spec, label_ids).values())
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
