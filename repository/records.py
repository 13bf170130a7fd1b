"""Which publications harvesters see, in which sets, since when; and the tombstones of withdrawn ones.

A publication is in the repository while it is live and has no view restriction (on itself or an
ancestor). Its datestamp is the latest of: its last publication, the last change the ledger
(OaiRecord) saw, and the start of the day its embargo ended (its full-text link appeared then).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from wagtail.models import Page

from publications.models import PublicationPage, PublicationType
from repository.models import OaiRecord
from themes.models import Country, GCMObjective, Theme

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

#: The top-level sets and the name each has in ListSets.
SET_FAMILIES = {
    "type": "Publications by type",
    "country": "Publications by country",
    "theme": "Publications by theme",
    "gcm": "Publications by objective of the Global Compact for Migration",
}


@dataclass(frozen=True)
class OaiSet:
    """A set as ListSets shows it."""

    spec: str
    name: str


def all_sets() -> list[OaiSet]:
    """Every set: the four families, then each type, country, theme and GCM objective."""
    sets = [OaiSet(spec, name) for spec, name in SET_FAMILIES.items()]
    sets += [OaiSet(f"type:{value}", f"Type: {label}") for value, label in PublicationType.choices]
    sets += [OaiSet(f"country:{c.alpha2}", f"Country: {c.name}") for c in Country.objects.order_by("alpha2")]
    sets += [OaiSet(f"theme:{t.slug}", f"Theme: {t.name}") for t in Theme.objects.order_by("slug")]
    sets += [
        OaiSet(f"gcm:{o.number}", f"GCM objective {o.number}: {o.title}")
        for o in GCMObjective.objects.order_by("number")
    ]
    return sets


def set_exists(spec: str) -> bool:
    """True when the set is one ListSets names."""
    family, _, value = spec.partition(":")
    if family not in SET_FAMILIES:
        return False
    if not value:
        return ":" not in spec
    if family == "type":
        return value in PublicationType.values
    if family == "country":
        return len(value) == 2 and Country.objects.filter(alpha2=value).exists()
    if family == "theme":
        return Theme.objects.filter(slug=value).exists()
    return value.isascii() and value.isdigit() and GCMObjective.objects.filter(number=int(value)).exists()


#: What a list of records reads for each page: its tags, PDF and institution.
TAG_PREFETCH = ("country_tags__country", "theme_tags__theme", "gcm_tags__objective")


def page_set_specs(page: PublicationPage) -> list[str]:
    """The sets a publication is in (the families too, since a record in type:report is in type)."""
    specs = ["type", f"type:{page.publication_type}"]
    # .all(), so that a list prefetched with TAG_PREFETCH is read without a query per record.
    countries = [tag.country.alpha2 for tag in page.country_tags.all() if tag.country_id]
    themes = [tag.theme.slug for tag in page.theme_tags.all() if tag.theme_id]
    objectives = [tag.objective.number for tag in page.gcm_tags.all() if tag.objective_id]
    for family, values in (("country", countries), ("theme", themes), ("gcm", objectives)):
        if values:
            specs.append(family)
            specs += [f"{family}:{value}" for value in values]
    return specs


def _in_set(queryset: QuerySet, spec: str) -> QuerySet:
    family, _, value = spec.partition(":")
    lookups = {
        "type": ("publication_type", "publication_type"),
        "country": ("country_tags__country__alpha2", "country_tags__isnull"),
        "theme": ("theme_tags__theme__slug", "theme_tags__isnull"),
        "gcm": ("gcm_tags__objective__number", "gcm_tags__isnull"),
    }
    exact, whole = lookups[family]
    if value:
        return queryset.filter(**{exact: value}).distinct()
    if family == "type":
        return queryset
    return queryset.filter(**{whole: False}).distinct()


def public_publications() -> QuerySet[PublicationPage]:
    """Live publications without a view restriction, each with its ``oai_datestamp``."""
    today = timezone.localdate()
    ledger = OaiRecord.objects.filter(page_id=OuterRef("pk")).values("datestamp")[:1]
    published = Coalesce(F("last_published_at"), F("first_published_at"), Value(EPOCH))
    embargo_lifted = Case(
        When(embargo_until__lte=today, then=Cast("embargo_until", DateTimeField())),
        default=Value(EPOCH),
        output_field=DateTimeField(),
    )
    return (
        PublicationPage.objects.live()
        .public()
        .select_related("pdf", "institution")
        .prefetch_related(*TAG_PREFETCH)
        .annotate(oai_datestamp=Greatest(published, Coalesce(Subquery(ledger), published), embargo_lifted))
    )


def selected(
    *,
    spec: str = "",
    since: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
) -> tuple[QuerySet[PublicationPage], QuerySet[OaiRecord]]:
    """The public publications and the tombstones a harvest selects (``before`` is exclusive)."""
    public = public_publications()
    deleted = OaiRecord.objects.filter(deleted=True).exclude(page_id__in=public.values("pk"))
    if spec:
        public = _in_set(public, spec)
        deleted = deleted.filter(set_specs__contains=f" {spec} " if ":" in spec else f" {spec}:")
    if since is not None:
        public = public.filter(oai_datestamp__gte=since)
        deleted = deleted.filter(datestamp__gte=since)
    if before is not None:
        public = public.filter(oai_datestamp__lt=before)
        deleted = deleted.filter(datestamp__lt=before)
    return public, deleted


def pdf_is_public(page: PublicationPage) -> bool:
    """True when anyone may download the publication's PDF: after the embargo, not in a private collection."""
    if not page.pdf_id or not page.full_text_is_public():
        return False
    return not page.pdf.collection.get_view_restrictions().exists()


def is_public(page: Page) -> bool:
    """Live and without a view restriction on the page or above it."""
    return bool(page.live) and not page.get_view_restrictions().exists()


def record_state(page: PublicationPage, *, deleting: bool = False) -> None:
    """Write what harvesters should now see of a publication: its sets and datestamp, or its tombstone."""
    public = not deleting and is_public(page)
    record = OaiRecord.objects.filter(page_id=page.pk).first()
    if public:
        specs = " " + " ".join(page_set_specs(page)) + " "
        if record is None:
            OaiRecord.objects.create(page_id=page.pk, set_specs=specs)
        else:
            OaiRecord.objects.filter(pk=record.pk).update(deleted=False, set_specs=specs, datestamp=timezone.now())
        return
    if record is not None and not record.deleted:
        OaiRecord.objects.filter(pk=record.pk).update(deleted=True, datestamp=timezone.now())
        logger.info("OAI-PMH: publication %s withdrawn, reported as deleted", page.pk)
    elif record is None and deleting and page.live and not page.get_view_restrictions().exists():
        # Live and public until this deletion but never seen by the ledger (published before it existed).
        OaiRecord.objects.create(page_id=page.pk, deleted=True, set_specs=" " + " ".join(page_set_specs(page)) + " ")


def record_states(pages: Iterable[PublicationPage]) -> None:
    """record_state for several publications."""
    for page in pages:
        record_state(page)
