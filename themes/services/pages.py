"""Which pages carry tags, what a page's tags are, and what text the tagger reads from it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from wagtail.models import Page

from salam.content import content_of, content_types, is_content, text_status_of
from themes.exceptions import NotTaggable, UnknownFamily, UnknownLabel
from themes.models import Country, Family, GCMObjective, TagDecision, Theme

logger = logging.getLogger(__name__)

TagKey = tuple[str, str]  # (family, code)


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


# --- Which pages carry tags --------------------------------------------------------------------


def is_taggable(page: Any) -> bool:
    """True when the page (or page class) is registered content (salam.content: publications, lectures)."""
    return is_content(page)


def taggable_page_models() -> list[type[Page]]:
    """Every page model whose pages the tagger works on: the registered content types."""
    return [registration.model for registration in content_types()]


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


def codes_by_label_id(spec: FamilySpec, ids: Iterable[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {pk: str(code) for pk, code in spec.model.objects.filter(pk__in=ids).values_list("pk", spec.code_field)}


def current_tags(page: Page) -> dict[TagKey, str]:
    """The page's applied tags (in memory: what this version of the page holds) -> their source."""
    tags: dict[TagKey, str] = {}
    for family, spec in FAMILIES.items():
        rows = list(getattr(page, spec.relation).all())
        codes = codes_by_label_id(spec, (getattr(row, f"{spec.field}_id") for row in rows))
        for row in rows:
            code = codes.get(getattr(row, f"{spec.field}_id"))
            if code is not None:
                tags[(family, code)] = row.source
    return tags


def has_dangling_tags(page: Page) -> bool:
    """True when this version of the page has tag rows whose taxonomy term has been deleted."""
    for spec in FAMILIES.values():
        ids = {getattr(row, f"{spec.field}_id") for row in getattr(page, spec.relation).all()}
        if len(codes_by_label_id(spec, ids)) < len(ids - {None}):
            return True
    return False


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
    #: How far the page's full text is (salam.content.TextStatus) and the sentence for editors.
    text_status: str = "ready"
    note: str = ""


def tagging_input(page: Page) -> TaggingInput:
    """Title, abstract and body text of a registered content page, read through salam.content's contract."""
    content = content_of(page)
    result = TaggingInput(title=content.content_title(), abstract=content.content_abstract())
    result.text_status, result.note = text_status_of(page)
    text = content.content_text()
    result.pages = [unit.text for unit in text.units]
    if text.timed:
        result.times = [unit.at for unit in text.units]
    result.restricted = bool(result.pages) and not text.public
    return result


def resolve_label(family: str, code: str, *, create_country: bool = False) -> models.Model:
    """The taxonomy object for a label; an ISO country outside the taxonomy is added on request.

    Only an editor's accept asks for that: the tagger suggests such countries but never grows the
    taxonomy by itself, so a country editors deleted does not come back at the next retag.
    """
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
    country.save()
    logger.info("Added %s (%s) to the taxonomy: an editor accepted it for a page", country.name, alpha2)
    return country
