"""Atom feeds: new publications (all, or per country, theme, GCM objective or type), lectures, any search.

Only live pages without view restrictions appear. A feed never carries full text; a publication's
PDF is linked (as an enclosure) only once its embargo has ended.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from lectures.models import LecturePage, LectureStatus
from publications.models import PublicationPage, PublicationType
from repository.records import pdf_is_public
from search.exceptions import InvalidSearchParameter, SearchError
from search.faceted import SearchHit, run_search
from search.params import parse_params
from themes.models import Country, GCMObjective, Theme

SITE_NAME = "SALAM knowledge hub"


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class PublicationFeed(Feed):
    """New publications on the hub, newest first; ``get_object`` narrows them to one facet value."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def get_object(self, request: HttpRequest, facet: str = "", value: str = ""):
        self.request = request
        if not facet:
            return None
        if facet == "country":
            return ("country", get_object_or_404(Country, alpha2=value.upper()) if len(value) == 2 else _missing())
        if facet == "theme":
            return ("theme", get_object_or_404(Theme, slug=value))
        if facet == "gcm":
            number = int(value) if value.isascii() and value.isdigit() and len(value) <= 2 else 0
            return ("gcm", get_object_or_404(GCMObjective, number=number))
        if facet == "type" and value in PublicationType.values:
            return ("type", value)
        raise Http404("There is no such feed.")

    def title(self, obj) -> str:
        return f"New publications{self._about(obj)} · {SITE_NAME}"

    def subtitle(self, obj) -> str:
        return f"Research papers, working papers, policy briefs and reports{self._about(obj)}, newest first."

    def _about(self, obj) -> str:
        if obj is None:
            return ""
        facet, value = obj
        if facet == "type":
            return f": {PublicationType(value).label.lower()}s"
        if facet == "gcm":
            return f" on GCM objective {value.number}: {value.title}"
        return f" on {value.name}"

    def link(self, obj) -> str:
        if obj is None:
            return "/"
        facet, value = obj
        return f"/search/?type={value}" if facet == "type" else value.get_absolute_url()

    def items(self, obj) -> Iterable[PublicationPage]:
        pages = PublicationPage.objects.live().public()
        if obj is not None:
            facet, value = obj
            pages = {
                "country": lambda: pages.filter(country_tags__country=value),
                "theme": lambda: pages.filter(theme_tags__theme=value),
                "gcm": lambda: pages.filter(gcm_tags__objective=value),
                "type": lambda: pages.filter(publication_type=value),
            }[facet]().distinct()
        return (
            pages.select_related("pdf", "institution")
            .prefetch_related("publication_authors__author")
            .order_by("-first_published_at", "-pk")[: settings.FEED_ITEMS]
        )

    def item_title(self, item: PublicationPage) -> str:
        return f"{item.title}: {item.subtitle}" if item.subtitle else item.title

    def item_description(self, item: PublicationPage) -> str:
        return item.abstract

    def item_link(self, item: PublicationPage) -> str:
        return item.get_url(self.request)

    def item_author_name(self, item: PublicationPage) -> str:
        return ", ".join(pa.author.name for pa in item.publication_authors.all()) or SITE_NAME

    def item_pubdate(self, item: PublicationPage) -> datetime.datetime:
        return item.first_published_at or _aware(item.publication_date)

    def item_updateddate(self, item: PublicationPage) -> datetime.datetime:
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item: PublicationPage) -> list[str]:
        return [item.get_publication_type_display()]

    def item_enclosure_url(self, item: PublicationPage) -> str | None:
        # The full text only once the embargo is over; the document view checks the same again.
        if not pdf_is_public(item):
            return None
        return self.request.build_absolute_uri(item.pdf.url)  # Django makes links absolute, not enclosures

    def item_enclosure_length(self, item: PublicationPage) -> int:
        return (item.pdf.get_file_size() or 0) if item.pdf_id else 0

    item_enclosure_mime_type = "application/pdf"


def _missing():
    raise Http404("Country codes have two letters.")


class LectureFeed(Feed):
    """Upcoming lectures (soonest first) or recordings (newest first)."""

    feed_type = Atom1Feed
    author_name = SITE_NAME
    link = "/"

    def get_object(self, request: HttpRequest, which: str = "upcoming"):
        self.request = request
        return which

    def title(self, which: str) -> str:
        return f"{'Upcoming lectures' if which == 'upcoming' else 'New lecture recordings'} · {SITE_NAME}"

    def items(self, which: str) -> Iterable[LecturePage]:
        lectures = LecturePage.objects.live().public()
        now = timezone.now()
        if which == "upcoming":
            return (
                lectures.filter(end__gte=now)
                .exclude(status=LectureStatus.CANCELLED)
                .order_by("start")[: settings.FEED_ITEMS]
            )
        with_recording = lectures.filter(start__lt=now).exclude(recording_file="", recording_url="")
        return with_recording.order_by("-last_published_at", "-pk")[: settings.FEED_ITEMS]

    def item_title(self, item: LecturePage) -> str:
        return item.title

    def item_description(self, item: LecturePage) -> str:
        when = item.local_start.strftime("%d %B %Y, %H:%M") + f" ({item.timezone})"
        return f"{when}. {item.abstract}"

    def item_link(self, item: LecturePage) -> str:
        return item.get_url(self.request)

    def item_pubdate(self, item: LecturePage) -> datetime.datetime:
        return item.first_published_at or item.start

    def item_updateddate(self, item: LecturePage) -> datetime.datetime:
        return item.last_published_at or item.start


class SearchFeed(Feed):
    """Any search, newest first: the search page's parameters, checked strictly (400 with a message)."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidSearchParameter as error:
            return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
        except SearchError as error:
            return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")

    def get_object(self, request: HttpRequest):
        self.request = request
        data = request.GET.copy()
        if "sort" not in data:
            data["sort"] = "newest"  # a feed is read for what is new
        params = parse_params(data, strict=True)
        return params, run_search(params, suggest=False)

    def title(self, obj) -> str:
        params, _results = obj
        return f"Search: {params.q or 'everything'}{' (filtered)' if params.has_filters else ''} · {SITE_NAME}"

    def link(self, obj) -> str:
        params, _results = obj
        return f"/search/?{params.query_string()}"

    def items(self, obj) -> list[SearchHit]:
        return obj[1].hits

    def item_title(self, item: SearchHit) -> str:
        return item.title

    def item_description(self, item: SearchHit) -> str:
        # The abstract only: highlighted passages of full text stay on the search page, where embargoes apply.
        return strip_tags(str(item.abstract_html))

    def item_link(self, item: SearchHit) -> str:
        return item.url

    def item_guid(self, item: SearchHit) -> str:
        return f"{item.kind}:{item.page_id}"

    item_guid_is_permalink = False

    def item_author_name(self, item: SearchHit) -> str:
        return ", ".join(item.authors) or SITE_NAME

    def item_pubdate(self, item: SearchHit) -> datetime.datetime | None:
        date = item.start or item.date
        if not date:
            return None
        moment = datetime.datetime.fromisoformat(date)
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def item_categories(self, item: SearchHit) -> list[str]:
        return [item.type_label]
