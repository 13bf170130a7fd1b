"""Query-string filters of the publications index, done with the ORM (no Elasticsearch needed).

Unknown or malformed values never fail the page: each is dropped and the reader is told which
value was ignored and why, so a shared link with a typo still shows publications.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.http import urlencode

from publications.choices import PublicationType
from salam.numbers import parse_int
from themes.models import Country, GCMObjective, Theme

MAX_VALUE_LENGTH = 64


@dataclass
class Choice:
    value: str
    label: str
    selected: bool


class PublicationFilter:
    """Reads ?type=&year=&country=&theme=&gcm=&page= and filters the live publications under an index."""

    def __init__(self, params: QueryDict, publications: QuerySet):
        self.params = params
        self.publications = publications  # the live, public publications under one index
        self.notices: list[str] = []
        self.active: dict[str, str] = {}
        self.type = self._read_type()
        self.year = self._read_year()
        self.country = self._read_country()
        self.theme = self._read_theme()
        self.objective = self._read_gcm()

    # -- reading the parameters -----------------------------------------------------------------

    def _raw(self, name: str) -> str:
        value = (self.params.get(name) or "").strip()
        if len(value) > MAX_VALUE_LENGTH:
            self.notices.append(f"The {name} filter was too long and has been ignored.")
            return ""
        if any(ord(char) < 32 for char in value):
            # PostgreSQL refuses NUL bytes in queries; control characters are never a valid filter anyway.
            self.notices.append(f"The {name} filter contained control characters and has been ignored.")
            return ""
        return value

    def _read_type(self) -> str:
        value = self._raw("type")
        if not value:
            return ""
        if value not in PublicationType.values:
            self.notices.append(f"“{value}” is not a publication type, so all types are shown.")
            return ""
        self.active["type"] = value
        return value

    def _read_year(self) -> int | None:
        value = self._raw("year")
        if not value:
            return None
        year = parse_int(value, low=1900, high=2100) if value.isascii() and value.isdigit() else None
        if year is None:
            self.notices.append(f"“{value[:50]}” is not a year, so all years are shown.")
            return None
        self.active["year"] = str(year)
        return year

    def _read_country(self) -> Country | None:
        value = self._raw("country")
        if not value:
            return None
        country = Country.objects.filter(alpha2=value.upper()).first() if len(value) == 2 else None
        if country is None:
            self.notices.append(
                f"“{value}” is not a country code we know (use two letters, e.g. NP), so it was ignored."
            )
            return None
        self.active["country"] = country.alpha2
        return country

    def _read_theme(self) -> Theme | None:
        value = self._raw("theme")
        if not value:
            return None
        theme = Theme.objects.filter(slug=value.lower()).first()
        if theme is None:
            self.notices.append(f"“{value}” is not one of our themes, so it was ignored.")
            return None
        self.active["theme"] = theme.slug
        return theme

    def _read_gcm(self) -> GCMObjective | None:
        value = self._raw("gcm")
        if not value:
            return None
        number = parse_int(value, low=1, high=23)
        objective = GCMObjective.objects.filter(number=number).first() if number is not None else None
        if objective is None:
            self.notices.append(f"“{value}” is not a GCM objective (they are numbered 1 to 23), so it was ignored.")
            return None
        self.active["gcm"] = str(objective.number)
        return objective

    # -- the result -------------------------------------------------------------------------

    def base_queryset(self) -> QuerySet:
        return self.publications

    def queryset(self):
        """Live, public publications matching every valid filter, newest first."""
        queryset = self.base_queryset()
        if self.type:
            queryset = queryset.filter(publication_type=self.type)
        if self.year:
            queryset = queryset.filter(publication_date__year=self.year)
        if self.country:
            queryset = queryset.filter(country_tags__country=self.country)
        if self.theme:
            queryset = queryset.filter(theme_tags__theme=self.theme)
        if self.objective:
            queryset = queryset.filter(gcm_tags__objective=self.objective)
        return (
            queryset.distinct()
            .select_related("institution", "pdf")
            .prefetch_related("publication_authors__author")
            .order_by("-publication_date", "-first_published_at", "-pk")
        )

    def paginate(self, per_page: int) -> PaginatorPage:
        """The requested page of results; a page number out of range or not a number shows the nearest page."""
        return Paginator(self.queryset(), per_page).get_page(self.params.get("page"))

    def query_string(self, **changes: str | None) -> str:
        """The active filters as a query string, with some changed (None removes one); never carries the page."""
        values = {**self.active, **changes}
        return urlencode({key: value for key, value in values.items() if value})

    # -- what the form offers -------------------------------------------------------------------

    def type_choices(self) -> list[Choice]:
        return [Choice(value, label, value == self.type) for value, label in PublicationType.choices]

    def year_choices(self) -> list[Choice]:
        years = sorted({d.year for d in self.base_queryset().values_list("publication_date", flat=True)}, reverse=True)
        return [Choice(str(year), str(year), year == self.year) for year in years]

    def country_choices(self) -> list[Choice]:
        return [
            Choice(c.alpha2, c.name, self.country is not None and c.pk == self.country.pk)
            for c in Country.objects.all()
        ]

    def theme_choices(self) -> list[Choice]:
        return [Choice(t.slug, t.name, self.theme is not None and t.pk == self.theme.pk) for t in Theme.objects.all()]

    def gcm_choices(self) -> list[Choice]:
        return [
            Choice(str(o.number), f"{o.number}. {o.title}", self.objective is not None and o.pk == self.objective.pk)
            for o in GCMObjective.objects.all()
        ]

    def active_labels(self) -> list[tuple[str, str]]:
        """(label, link that removes this filter) for each filter in use."""
        labels = []
        if self.type:
            labels.append((PublicationType(self.type).label, self.query_string(type=None)))
        if self.year:
            labels.append((str(self.year), self.query_string(year=None)))
        if self.country:
            labels.append((self.country.name, self.query_string(country=None)))
        if self.theme:
            labels.append((self.theme.name, self.query_string(theme=None)))
        if self.objective:
            labels.append((f"GCM objective {self.objective.number}", self.query_string(gcm=None)))
        return labels
