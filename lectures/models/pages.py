"""Lecture pages, series and speakers: what a visitor sees and an editor fills in."""

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from lectures.admin_forms import LecturePageForm
from lectures.recordings import MEDIA_EXTENSIONS, ExternalVideo, media_kind, parse_external_video
from lectures.signals import transcript_changed
from lectures.times import venue_zone
from lectures.transcripts import TranscriptFormatError, parse_transcript
from salam.content import ContentText, FollowedPage, TextUnit, text_changed
from themes.models import AbstractCountryTag, AbstractGCMTag, AbstractThemeTag
from themes.panels import TagSuggestionsPanel
from themes.tagged import TaggedContent


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone name the server knows, sorted, as form choices."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def default_timezone() -> str:
    """The server's zone (settings.TIME_ZONE) as the default venue zone, read when a lecture is created."""
    return settings.TIME_ZONE


class LectureSeries(models.Model):
    """A named series that lectures belong to (e.g. "Migration and Development Dialogues")."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, help_text="Used in filter links, e.g. ?series=dialogues.")
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "lecture series"

    def __str__(self) -> str:
        return self.name


class Speaker(index.Indexed, models.Model):
    """A person who gives lectures; one speaker can appear in many lectures."""

    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True, help_text="Two or three sentences in the third person.")
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    panels = [FieldPanel("name"), FieldPanel("affiliation"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("affiliation"),
        *(index.AutocompleteField(name) for name in ("name", "affiliation")),
        *(index.FilterField(name) for name in ("name", "affiliation")),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class LectureIndexPage(Page):
    """The list of lectures: upcoming ones first, then past ones with their recordings."""

    intro = models.TextField(blank=True, help_text="A sentence or two above the list.")
    #: lectures.presentation.lecture_index_context, set in LecturesConfig.ready().
    build_context: ClassVar[Callable[..., dict]]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["salam.HomePage"]
    subpage_types = ["lectures.LecturePage"]
    max_count = 1

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(self.build_context(self, request))
        return context


class LectureStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


# The details registrants are told about; a change to any of them sends a notice and a new invitation.
NOTIFIED_FIELDS = ("title", "start", "end", "timezone", "venue", "online", "joining_link", "status")


class LecturePage(FollowedPage, TaggedContent, Page):
    """A public lecture: when and where, who speaks, registration, and afterwards the recording.

    Times are entered as the clock reads at the venue (in the venue's time zone). The joining link
    of an online lecture is sent to registrants only and never shown on the page or in any feed.
    """

    #: lectures.presentation.lecture_page_context, set in LecturesConfig.ready().
    build_context: ClassVar[Callable[..., dict]]

    series = models.ForeignKey(LectureSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="lectures")
    abstract = models.TextField(help_text="What the lecture is about, in plain words. Blank lines separate paragraphs.")
    start = models.DateTimeField(help_text="Date and time at the venue.")
    end = models.DateTimeField(help_text="Date and time at the venue.")
    timezone = models.CharField(
        "venue time zone",
        max_length=64,
        choices=timezone_choices,
        default=default_timezone,
        help_text="The time zone of the venue; start and end are entered in it.",
    )
    venue = models.TextField(blank=True, help_text="Room and full address. Leave empty for an online-only lecture.")
    online = models.BooleanField("can be joined online", default=False)
    joining_link = models.URLField(
        blank=True,
        max_length=500,
        help_text="Sent to confirmed registrants only; never shown on the public page, in feeds or in search.",
    )
    capacity = models.PositiveIntegerField(
        default=100, validators=[MinValueValidator(1)], help_text="Seats for confirmed registrants."
    )
    registration_opens = models.DateTimeField(null=True, blank=True, help_text="Empty: open as soon as published.")
    registration_closes = models.DateTimeField(null=True, blank=True, help_text="Empty: open until the lecture starts.")
    status = models.CharField(max_length=12, choices=LectureStatus.choices, default=LectureStatus.SCHEDULED)
    recording_file = models.FileField(
        upload_to="lectures/recordings/%Y/",
        blank=True,
        validators=[FileExtensionValidator(MEDIA_EXTENSIONS)],
        help_text=f"An audio or video file ({', '.join(MEDIA_EXTENSIONS)}).",
    )
    recording_url = models.URLField(
        blank=True, max_length=500, help_text="Or a YouTube or Vimeo address (other addresses are shown as a link)."
    )
    slides = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_publications = ParentalManyToManyField(
        "publications.PublicationPage",
        blank=True,
        related_name="related_lectures",
        help_text="Papers and briefs the lecture draws on; only published ones are shown.",
    )
    transcript = models.TextField(
        blank=True,
        help_text="Start each passage with its time in the recording, e.g. [00:01:23] …, or paste a WebVTT file.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("series"),
        InlinePanel("lecture_speakers", label="Speakers"),
        FieldPanel("abstract"),
        MultiFieldPanel(
            [FieldPanel("timezone"), FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("status")],
            heading="When",
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("online"), FieldPanel("joining_link")], heading="Where"),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")]),
            ],
            heading="Registration",
        ),
        MultiFieldPanel(
            [FieldPanel("recording_file"), FieldPanel("recording_url"), FieldPanel("slides"), FieldPanel("transcript")],
            heading="After the lecture",
        ),
        FieldPanel("related_publications"),
        MultiFieldPanel(
            [
                InlinePanel("country_tags", label="Countries"),
                InlinePanel("theme_tags", label="Themes"),
                InlinePanel("gcm_tags", label="GCM objectives"),
                TagSuggestionsPanel(),
            ],
            heading="Taxonomy",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("abstract"), index.SearchField("transcript")]
    parent_page_types = ["lectures.LectureIndexPage"]
    subpage_types: list[str] = []

    base_form_class = LecturePageForm

    class Meta:
        indexes = [models.Index(fields=["start"])]

    # ---- rules on this one lecture -------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.timezone not in zoneinfo.available_timezones():
            errors["timezone"] = f"{self.timezone!r} is not a time zone this server knows."
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "The lecture must end after it starts."
        if self.registration_opens and self.registration_closes and self.registration_closes <= self.registration_opens:
            errors["registration_closes"] = "Registration must close after it opens."
        if self.registration_closes and self.end and self.registration_closes > self.end:
            errors["registration_closes"] = "Registration cannot close after the lecture has ended."
        if not self.venue.strip() and not self.online:
            errors["venue"] = "Give the venue's address, or tick 'can be joined online' (or both)."
        if self.joining_link and not self.online:
            errors["joining_link"] = "Tick 'can be joined online' to use a joining link."
        if self.recording_url and urlsplit(self.recording_url).scheme not in {"http", "https"}:
            errors["recording_url"] = "Use an http or https address."
        try:
            parse_transcript(self.transcript, strict=True)
        except TranscriptFormatError as exc:
            errors["transcript"] = str(exc)
        if self.pk and self.capacity:
            confirmed = self.registrations.filter(status="confirmed").count()
            if confirmed > self.capacity:
                errors["capacity"] = (
                    f"{confirmed} people already hold confirmed seats; capacity cannot go below that. "
                    "Cancel registrations in the registrations view first."
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Revision saves pass update_fields without the transcript: only the stored row counts.
        update_fields = kwargs.get("update_fields")
        transcript_may_change = update_fields is None or "transcript" in update_fields
        previous = ""
        if transcript_may_change and self.pk:
            previous = LecturePage.objects.filter(pk=self.pk).values_list("transcript", flat=True).first() or ""
        result = super().save(*args, **kwargs)
        if transcript_may_change and previous != (self.transcript or ""):
            self._announce_transcript_change()
        return result

    def _announce_transcript_change(self) -> None:
        page_id = self.pk

        def send() -> None:
            page = LecturePage.objects.filter(pk=page_id).first()
            if page is not None:
                transcript_changed.send(sender=LecturePage, page=page)
                text_changed.send(sender=LecturePage, page=page)

        # The tagger and the search index read the committed row, so tell them after commit.
        transaction.on_commit(send)

    # ---- what templates and services read ----------------------------------------------

    @property
    def venue_zone(self) -> zoneinfo.ZoneInfo:
        return venue_zone(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.venue_zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.venue_zone)

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.end <= (now or timezone.now())

    def has_started(self, now: datetime | None = None) -> bool:
        return self.start <= (now or timezone.now())

    def personal_data_deleted_at(self) -> datetime:
        """When the personal data of the lecture's registrants is deleted (LECTURE_PERSONAL_DATA_RETENTION_DAYS)."""
        return self.end + timedelta(days=settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS)

    @property
    def is_cancelled(self) -> bool:
        return self.status == LectureStatus.CANCELLED

    def transcript_segments(self) -> list[tuple[int, str]]:
        """The transcript as (seconds from the start of the recording, text) pairs."""
        return parse_transcript(self.transcript)

    # --- The content contract (salam.content.SearchableContent): what the tagger and the index read ---

    content_kind = "lecture"

    def content_title(self) -> str:
        """The lecture's title."""
        return self.title or ""

    def content_abstract(self) -> str:
        """The abstract (a lecture's series is not about its subject, so it is left out)."""
        return (self.abstract or "").strip()

    def content_text(self, today: date | None = None) -> ContentText:
        """The transcript's lines, timed; always public (there is no embargo on a lecture)."""
        segments = self.transcript_segments() if (self.transcript or "").strip() else []
        return ContentText(units=tuple(TextUnit(seconds, text) for seconds, text in segments), timed=True)

    def content_metadata(self) -> dict:
        """Series, abstract, speakers and their affiliations, date, place, status and recording link."""
        try:
            local_start = self.start.astimezone(zoneinfo.ZoneInfo(self.timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            local_start = timezone.localtime(self.start)
        speakers = [link.speaker for link in self.lecture_speakers.all() if link.speaker_id]
        return {
            "type": "lecture",
            "subtitle": str(self.series) if self.series_id else "",
            "abstract": self.abstract,
            "authors": [speaker.name for speaker in speakers],
            "institution": "; ".join(sorted({s.affiliation for s in speakers if s.affiliation})),
            "keywords": [],
            "date": local_start.date().isoformat(),
            "year": local_start.year,
            # Lectures carry no language field; the centre holds them in English.
            "language": "en",
            "start": self.start.isoformat(),
            "venue": self.venue,
            "online": self.online,
            "status": self.status,
            "recording_url": self.recording_url or "",
        }

    @cached_property
    def external_video(self) -> ExternalVideo | None:
        return parse_external_video(self.recording_url)

    @property
    def recording_media(self) -> tuple[str, str] | None:
        """("audio" | "video", MIME type) of the uploaded recording, or None."""
        return media_kind(self.recording_file.name) if self.recording_file else None

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_file or self.recording_url)

    def notified_details(self) -> dict[str, str]:
        """The details registrants were told about, as JSON-ready strings (to detect changes)."""
        values = {}
        for name in NOTIFIED_FIELDS:
            value = getattr(self, name)
            values[name] = value.isoformat() if isinstance(value, datetime) else str(value)
        return values

    def get_template(self, request, *args, **kwargs) -> str:
        return "lectures/lecture_page.html"

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(self.build_context(self, request, form=kwargs.get("registration_form")))
        return context

    def serve(self, request: HttpRequest, *args, **kwargs):
        if request.method == "POST":
            # The registration form posts to its own endpoint; 307 resends a stale form's POST there.
            return HttpResponseRedirect(reverse("lectures:register", args=[self.pk]), status=307)
        return super().serve(request, *args, **kwargs)


class LectureSpeaker(Orderable):
    """A speaker of a lecture, in the order they speak."""

    page = ParentalKey(LecturePage, on_delete=models.CASCADE, related_name="lecture_speakers")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="lecture_links")

    panels = [FieldPanel("speaker")]

    class Meta(Orderable.Meta):
        verbose_name = "speaker"


class LectureCountryTag(Orderable, AbstractCountryTag):
    page = ParentalKey(LecturePage, on_delete=models.CASCADE, related_name="country_tags")

    class Meta(Orderable.Meta):
        verbose_name = "country"


class LectureThemeTag(Orderable, AbstractThemeTag):
    page = ParentalKey(LecturePage, on_delete=models.CASCADE, related_name="theme_tags")

    class Meta(Orderable.Meta):
        verbose_name = "theme"


class LectureGCMTag(Orderable, AbstractGCMTag):
    page = ParentalKey(LecturePage, on_delete=models.CASCADE, related_name="gcm_tags")

    class Meta(Orderable.Meta):
        verbose_name = "GCM objective"
