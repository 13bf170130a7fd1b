"""The tagger's suggestions in the page editor, each with its evidence and accept/reject buttons.

The panel sits inside Wagtail's page form, and forms cannot nest; its buttons therefore submit a
separate, empty form rendered after the page form (``DECISION_FORM_ID``, inserted by the
``insert_editor_js`` hook) through the ``form``/``formaction`` attributes, carrying the CSRF token
as the button's own value. Evidence can quote embargoed full text: this panel is only shown in the
editor, to people allowed to edit the page, and marks such passages.
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse
from wagtail.admin.panels import Panel

from salam.content import text_status_of
from themes.models import Family, TagDecision, TagSource, TagSuggestion
from themes.services import FAMILIES, apply_threshold, current_tags, decisions_for

DECISION_FORM_ID = "themes-tag-decision-form"
PANEL_ANCHOR = "tag-suggestions"

STATE_LABELS = {
    "tagger": "Applied by the tagger",
    "editor": "Applied by an editor",
    "rejected": "Rejected by an editor",
    "suggested": "Suggested, not applied",
}


def format_time(seconds: int) -> str:
    """Seconds as H:MM:SS (or M:SS), as a recording player shows them."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _where(item: dict[str, Any]) -> str:
    if item.get("where") == "title":
        return "Title"
    if item.get("where") == "abstract":
        return "Abstract"
    if item.get("time") is not None:
        return f"Transcript at {format_time(item['time'])}"
    if item.get("page"):
        return f"Page {item['page']}"
    return "Text"


def _label_names(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for family, spec in FAMILIES.items():
        codes = [code for fam, code in keys if fam == family]
        if not codes:
            continue
        if spec.code_field == "number":
            codes = [int(c) for c in codes if c.isdigit()]
        for label in spec.model.objects.filter(**{f"{spec.code_field}__in": codes}):
            names[(family, spec.code_of(label))] = str(label)
    return names


def suggestion_rows(page: Any) -> list[dict[str, Any]]:
    """One group per family: the page's suggestions with names, evidence, state and action URLs."""
    suggestions = list(TagSuggestion.objects.filter(page_id=page.pk).order_by("family", "-score", "code"))
    applied = current_tags(page)
    decisions = decisions_for(page.pk)
    names = _label_names({(s.family, s.code) for s in suggestions})
    groups = []
    for family in Family:
        rows = []
        for s in (s for s in suggestions if s.family == family.value):
            key = (s.family, s.code)
            decision = decisions.get(key)
            if key in applied:
                by_editor = applied[key] == TagSource.EDITOR or decision == TagDecision.Decision.ACCEPTED
                state = "editor" if by_editor else "tagger"
            elif decision == TagDecision.Decision.REJECTED:
                state = "rejected"
            else:
                state = "suggested"
            args = [page.pk, s.family, s.code]
            rows.append(
                {
                    "code": s.code,
                    "name": names.get(key, f"{s.code} (not in the taxonomy yet)"),
                    "score": s.score,
                    "state": state,
                    "state_label": STATE_LABELS[state],
                    "evidence": [{**item, "where_label": _where(item)} for item in s.evidence],
                    "accept_url": reverse("themes_tag_accept", args=args) if state != "editor" else "",
                    "reject_url": reverse("themes_tag_reject", args=args) if state != "rejected" else "",
                }
            )
        groups.append({"family": family.value, "label": family.label, "rows": rows})
    return groups


TEMPLATE = "themes/admin/tag_suggestions_panel.html"


def suggestions_panel_context(page: Any, request: Any) -> dict[str, Any]:
    """What the suggestions panel shows for a page (the version in the editor)."""
    saved = page is not None and bool(page.pk)
    groups = suggestion_rows(page) if saved else []
    status, note = text_status_of(page) if saved else ("", "")
    has_suggestions = any(group["rows"] for group in groups)
    # Suggestions follow the text: refreshed while the text is still being read or the tagger has
    # said nothing yet (the script gives up after a while).
    waiting = saved and (status == "pending" or not has_suggestions)
    return {
        "page": page,
        "groups": groups,
        "text_status": status,
        "text_note": note,
        "apply_threshold": apply_threshold(),
        "has_suggestions": has_suggestions,
        "form_id": DECISION_FORM_ID,
        "anchor": PANEL_ANCHOR,
        "csrf_token_value": get_token(request) if request is not None else "",
        "refresh_url": reverse("themes_tag_panel", args=[page.pk]) if waiting else "",
    }


class TagSuggestionsPanel(Panel):
    """Lists what the tagger suggests for the page and lets an editor accept or reject each label."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("heading", "Suggested by the tagger")
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = TEMPLATE

        def get_context_data(self, parent_context: dict | None = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context.update(suggestions_panel_context(self.instance, self.request))
            return context
