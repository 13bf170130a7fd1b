"""Reading a tagged page's taxonomy terms for the content contract (salam.content.content_taxonomy).

Page types that carry tags declare the three relations ``country_tags``, ``theme_tags`` and
``gcm_tags`` (see themes.models.AbstractPageTag) and mix in ``TaggedContent``; ``preload_taxonomy``
reads the terms of many such pages at once for an index rebuild.
"""

from __future__ import annotations

from typing import Any

from themes.models import Family

#: (family, relation on the page, field of the tag row that points at the term), in document order.
TAG_RELATIONS = (
    (Family.COUNTRY.value, "country_tags", "country"),
    (Family.THEME.value, "theme_tags", "theme"),
    (Family.GCM_OBJECTIVE.value, "gcm_tags", "objective"),
)
_PRELOADED = "_content_taxonomy"


class TaggedContent:
    """Mixin for tagged page types: ``content_taxonomy()`` from the tag relations (or a preload)."""

    def content_taxonomy(self) -> dict[str, list[Any]]:
        """The taxonomy terms applied to this version of the page, by family, in the editor's order."""
        preloaded = getattr(self, _PRELOADED, None)
        if preloaded is not None:
            return preloaded
        return {
            family: [getattr(row, field) for row in getattr(self, relation).all()]
            for family, relation, field in TAG_RELATIONS
        }


def preload_taxonomy(pages: list[Any], cache: dict | None = None) -> None:
    """Read the terms of many pages of one type in three small queries, without building a tag object each.

    The same rows ``page.country_tags`` etc. return; the taxonomy terms come from one lookup per
    family, kept in ``cache`` for the next chunk of the same rebuild. A rebuild spends most of its
    Python time building ORM objects, hence this.
    """
    cache = {} if cache is None else cache
    if not pages:
        return
    model = type(pages[0])
    ids = [page.pk for page in pages]
    found: dict[int, dict[str, list]] = {page.pk: {family: [] for family, _, _ in TAG_RELATIONS} for page in pages}
    for family, relation, field_name in TAG_RELATIONS:
        tag_model = model._meta.get_field(relation).related_model
        term_model = tag_model._meta.get_field(field_name).related_model
        terms = cache.get(term_model)
        if terms is None:
            terms = cache[term_model] = term_model.objects.in_bulk()
        rows = tag_model.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
        for page_id, term_id in rows.values_list("page_id", f"{field_name}_id"):
            found[page_id][family].append(terms[term_id])
    for page in pages:
        setattr(page, _PRELOADED, found[page.pk])
