"""The centre's figures, and each author's and publication's, as plain data for pages, CSV and the admin.

Only live publications and lectures that anonymous readers may see are counted anywhere here, so
the public impact page never reveals a draft or a private page, not even as a number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from lectures.models import LecturePage, LectureStatus, Registration, RegistrationStatus
from publications.models import (
    Author,
    PublicationCountryTag,
    PublicationGCMTag,
    PublicationPage,
    PublicationType,
)
from usage.models import DailyUsage, UsageKind, UsageVisit

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
TOP_COUNT = 10


@dataclass(frozen=True)
class MonthUsage:
    """One month's requests: totals with double clicks merged, and unique visitors summed over days."""

    month: datetime.date
    views: int = 0
    view_visitors: int = 0
    downloads: int = 0
    download_visitors: int = 0


@dataclass(frozen=True)
class YearRow:
    """Publications that appeared in one year, by type (in PublicationType's order), and in all."""

    year: int
    by_type: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Covered:
    """A country or GCM objective and how many publications are tagged with it."""

    code: str
    name: str
    publications: int


@dataclass(frozen=True)
class TopPublication:
    pk: int
    title: str
    url: str
    views: int
    downloads: int


@dataclass(frozen=True)
class LectureFigures:
    """Public lectures held and to come, registrations, attendance and recordings."""

    held: int
    upcoming: int
    registrations: int
    confirmed: int
    waiting: int
    attended: int
    recordings: int


@dataclass
class Figures:
    """Everything one impact page or panel shows."""

    scope: str
    months: int
    publications: int
    types: list[tuple[str, str]]
    by_year: list[YearRow]
    usage: list[MonthUsage]
    countries: list[Covered]
    objectives: list[Covered]
    top: list[TopPublication]
    lectures: LectureFigures | None = None
    totals: dict[str, int] = field(default_factory=dict)


def public_publications() -> QuerySet[PublicationPage]:
    """Live publications anonymous readers may see."""
    return PublicationPage.objects.live().public()


def month_starts(months: int, today: datetime.date) -> list[datetime.date]:
    """The first days of the last ``months`` months, oldest first, the current month last."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def usage_by_month(page_ids: list[int], months: int, today: datetime.date | None = None) -> list[MonthUsage]:
    """Views and downloads of these publications per month: rolled-up days plus the day not yet rolled up."""
    today = today or timezone.localdate()
    starts = month_starts(months, today)
    sums: dict[tuple[datetime.date, str], list[int]] = {}
    finished = (
        DailyUsage.objects.filter(page_id__in=page_ids, day__gte=starts[0], day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("month", "kind")
        .annotate(total_sum=Sum("total"), visitor_sum=Sum("visitors"))
    )
    current = (
        UsageVisit.objects.filter(page_id__in=page_ids, day__gte=starts[0], day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("month", "kind")
        .annotate(total_sum=Sum("requests"), visitor_sum=Count("id"))
    )
    for row in [*finished, *current]:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        total = sums.setdefault((month, row["kind"]), [0, 0])
        total[0] += row["total_sum"] or 0
        total[1] += row["visitor_sum"] or 0
    result = []
    for start in starts:
        views = sums.get((start, UsageKind.VIEW), [0, 0])
        downloads = sums.get((start, UsageKind.DOWNLOAD), [0, 0])
        result.append(MonthUsage(start, views[0], views[1], downloads[0], downloads[1]))
    return result


def usage_per_publication(page_ids: list[int], since: datetime.date) -> dict[int, dict[str, int]]:
    """page id -> {"view": requests, "download": requests} since a day."""
    found: dict[int, dict[str, int]] = {}
    finished = (
        DailyUsage.objects.filter(page_id__in=page_ids, day__gte=since)
        .values("page_id", "kind")
        .annotate(n=Sum("total"))
    )
    current = (
        UsageVisit.objects.filter(page_id__in=page_ids, day__gte=since)
        .values("page_id", "kind")
        .annotate(n=Sum("requests"))
    )
    for row in [*finished, *current]:
        counts = found.setdefault(row["page_id"], {UsageKind.VIEW: 0, UsageKind.DOWNLOAD: 0})
        counts[row["kind"]] += row["n"] or 0
    return found


def publications_by_year(pages: QuerySet[PublicationPage]) -> list[YearRow]:
    """Publications per year of publication and type, newest year first."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        pages.annotate(year=ExtractYear("publication_date")).values("year", "publication_type").annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["year"], {})[row["publication_type"]] = row["n"]
    result = []
    for year in sorted(counts, reverse=True):
        by_type = tuple(counts[year].get(value, 0) for value in PublicationType.values)
        result.append(YearRow(year, by_type, sum(by_type)))
    return result


def coverage(page_ids: list[int]) -> tuple[list[Covered], list[Covered]]:
    """Countries and GCM objectives these publications are tagged with, most publications first."""
    countries = (
        PublicationCountryTag.objects.filter(page_id__in=page_ids)
        .values("country__alpha2", "country__name")
        .annotate(n=Count("page", distinct=True))
        .order_by("-n", "country__name")
    )
    objectives = (
        PublicationGCMTag.objects.filter(page_id__in=page_ids)
        .values("objective__number", "objective__title")
        .annotate(n=Count("page", distinct=True))
        .order_by("-n", "objective__number")
    )
    return (
        [Covered(row["country__alpha2"], row["country__name"], row["n"]) for row in countries],
        [Covered(str(row["objective__number"]), row["objective__title"], row["n"]) for row in objectives],
    )


def lecture_figures(now: datetime.datetime | None = None) -> LectureFigures:
    """The centre's public lectures: held, upcoming, registrations, attendance (check-ins) and recordings."""
    now = now or timezone.now()
    lectures = LecturePage.objects.live().public().exclude(status=LectureStatus.CANCELLED)
    registrations = Registration.objects.filter(lecture__in=lectures)
    counts = registrations.aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    recorded = lectures.filter(~Q(recording_file="") | ~Q(recording_url="")).count()
    return LectureFigures(
        held=lectures.filter(end__lt=now).count(),
        upcoming=lectures.filter(end__gte=now).count(),
        registrations=counts["total"],
        confirmed=counts["confirmed"],
        waiting=counts["waiting"],
        attended=counts["attended"],
        recordings=recorded,
    )


def _figures(scope: str, pages: QuerySet[PublicationPage], months: int, today: datetime.date) -> Figures:
    page_ids = list(pages.values_list("pk", flat=True))
    usage = usage_by_month(page_ids, months, today)
    since = usage[0].month
    per_page = usage_per_publication(page_ids, since)
    ranked = sorted(
        (pk for pk in page_ids if pk in per_page),
        key=lambda pk: (-per_page[pk][UsageKind.DOWNLOAD], -per_page[pk][UsageKind.VIEW], pk),
    )[:TOP_COUNT]
    titles = {page.pk: page for page in PublicationPage.objects.filter(pk__in=ranked)}
    top = [
        TopPublication(
            pk, titles[pk].title, titles[pk].url or "", per_page[pk][UsageKind.VIEW], per_page[pk][UsageKind.DOWNLOAD]
        )
        for pk in ranked
    ]
    countries, objectives = coverage(page_ids)
    return Figures(
        scope=scope,
        months=months,
        publications=len(page_ids),
        types=list(PublicationType.choices),
        by_year=publications_by_year(pages),
        usage=usage,
        countries=countries,
        objectives=objectives,
        top=top,
        totals={
            "views": sum(m.views for m in usage),
            "view_visitors": sum(m.view_visitors for m in usage),
            "downloads": sum(m.downloads for m in usage),
            "download_visitors": sum(m.download_visitors for m in usage),
        },
    )


def centre_figures(months: int = DEFAULT_MONTHS, today: datetime.date | None = None) -> Figures:
    """The whole centre: every public publication and lecture."""
    figures = _figures("SALAM", public_publications(), months, today or timezone.localdate())
    figures.lectures = lecture_figures()
    return figures


def author_figures(author: Author, months: int = DEFAULT_MONTHS, today: datetime.date | None = None) -> Figures:
    """One author's public publications."""
    pages = public_publications().filter(publication_authors__author=author).distinct()
    return _figures(author.name, pages, months, today or timezone.localdate())


def publication_figures(
    page: PublicationPage, months: int = DEFAULT_MONTHS, today: datetime.date | None = None
) -> Figures:
    """One public publication."""
    return _figures(page.title, public_publications().filter(pk=page.pk), months, today or timezone.localdate())


def csv_rows(figures: Figures) -> list[list[str | int]]:
    """The figures as tidy rows (section, item, measure, value) with a header, for a spreadsheet."""
    rows: list[list[str | int]] = [["section", "item", "measure", "value"]]
    rows.append(["summary", figures.scope, "publications", figures.publications])
    for measure, value in figures.totals.items():
        rows.append(["summary", f"last {figures.months} months", measure, value])
    labels = dict(figures.types)
    for year in figures.by_year:
        for (value, _label), count in zip(figures.types, year.by_type, strict=True):
            if count:
                rows.append(["publications by year and type", str(year.year), labels[value], count])
    for month in figures.usage:
        item = month.month.strftime("%Y-%m")
        rows.append(["usage by month", item, "views", month.views])
        rows.append(["usage by month", item, "unique views", month.view_visitors])
        rows.append(["usage by month", item, "downloads", month.downloads])
        rows.append(["usage by month", item, "unique downloads", month.download_visitors])
    if figures.lectures is not None:
        for measure, value in vars(figures.lectures).items():
            rows.append(["lectures", "public lectures", measure, value])
    for country in figures.countries:
        rows.append(["countries", f"{country.name} ({country.code})", "publications", country.publications])
    for objective in figures.objectives:
        rows.append(["GCM objectives", f"{objective.code}. {objective.name}", "publications", objective.publications])
    for top in figures.top:
        rows.append(["top publications", top.title, "views", top.views])
        rows.append(["top publications", top.title, "downloads", top.downloads])
    return rows
