"""Publications: authors, the publications index, publication pages and their PDFs' extracted text.

A researcher creates a PublicationPage under the publications index, attaches the PDF and submits
it for review; an editor publishes it. The PDF is read in the background (see services and tasks);
its text is stored in a PdfExtraction record per document; the tagger and the search index read it,
with the rest of the page, through the content contract (salam.content.SearchableContent).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from publications.choices import ExtractionStatus, PublicationType
from publications.exceptions import PdfRejected
from publications.filters import PublicationFilter
from publications.panels import ExtractionPanel
from publications.presentation import reader_context
from publications.validators import (
    check_document_is_pdf,
    normalise_doi,
    normalise_orcid,
    validate_doi,
    validate_orcid,
)
from salam.content import ContentText, FollowedPage, TextUnit
from themes.models import AbstractCountryTag, AbstractGCMTag, AbstractThemeTag, Country, GCMObjective, TagSource, Theme
from themes.panels import TagSuggestionsPanel
from themes.tagged import TaggedContent

logger = logging.getLogger(__name__)

# Where publications.content.preload_publications leaves what it read for a batch of pages (the
# content_* methods below read these first, the page's own relations otherwise).
PRELOADED_AUTHORS, PRELOADED_KEYWORDS, PRELOADED_EXTRACTION = "_content_authors", "_content_keywords", "_content_pdf"

# The languages the centre publishes in (ISO 639-1). Kept as a fixed list so the admin offers a
# short menu and migrations do not change whenever pycountry does.
LANGUAGE_CHOICES = [
    ("en", "English"),
    ("bn", "Bengali"),
    ("hi", "Hindi"),
    ("ne", "Nepali"),
    ("ur", "Urdu"),
    ("si", "Sinhala"),
    ("ta", "Tamil"),
    ("ps", "Pashto"),
    ("fa", "Persian"),
    ("dv", "Dhivehi"),
    ("ar", "Arabic"),
    ("ms", "Malay"),
    ("id", "Indonesian"),
    ("tl", "Tagalog (Filipino)"),
    ("th", "Thai"),
    ("vi", "Vietnamese"),
    ("km", "Khmer"),
    ("my", "Burmese"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("fr", "French"),
    ("es", "Spanish"),
]

LICENCE_CHOICES = [
    ("CC-BY-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
    ("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"),
    ("CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)"),
    ("CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND 4.0)"),
    ("CC0-1.0", "Public domain dedication (CC0 1.0)"),
    ("all-rights-reserved", "All rights reserved"),
]
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Author(index.Indexed, models.Model):
    """A person who wrote publications; one record per person, reused across their publications."""

    name = models.CharField(max_length=200, help_text="As it should appear in citations, e.g. Anjali Sharma.")
    affiliation = models.CharField(max_length=255, blank=True, help_text="Institute or university.")
    country = models.ForeignKey(
        "themes.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where they work.",
    )
    orcid = models.CharField(
        "ORCID iD",
        max_length=40,  # room for a pasted https://orcid.org/ link; clean() stores the bare 19 characters
        blank=True,
        validators=[validate_orcid],
        help_text="Optional, e.g. 0000-0002-1825-0097 or its orcid.org link. The check digit is verified.",
    )

    panels = [FieldPanel("name"), FieldPanel("affiliation"), FieldPanel("country"), FieldPanel("orcid")]
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("affiliation"),
        index.SearchField("orcid"),
        *(index.AutocompleteField(name) for name in ("name", "affiliation", "orcid")),
        *(index.FilterField(name) for name in ("name", "affiliation", "country", "orcid")),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            # An ORCID iD names one person: a second record for it would split their publications.
            models.UniqueConstraint(
                fields=["orcid"],
                condition=~models.Q(orcid=""),
                name="publications_author_unique_orcid",
                violation_error_message="Another author already has this ORCID iD.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.orcid = normalise_orcid(self.orcid)
        if self.orcid:
            other = Author.objects.filter(orcid=self.orcid).exclude(pk=self.pk).first()
            if other is not None:
                raise ValidationError(
                    {
                        "orcid": f"{other} already has the ORCID iD {self.orcid}. "
                        "Choose that author in the publication instead of adding them again."
                    }
                )

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def family_name(self) -> str:
        """The last word of the name: good enough for citation sort keys across the region's naming customs."""
        parts = self.name.split()
        return parts[-1] if parts else ""

    @property
    def given_names(self) -> str:
        return " ".join(self.name.split()[:-1])


class PublicationIndexPage(Page):
    """The list of all publications, newest first, with filters by type, year and the taxonomy."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown above the list.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["salam.HomePage"]
    subpage_types = ["publications.PublicationPage"]
    per_page = 10

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        publications = PublicationPage.objects.live().public().descendant_of(self)
        publication_filter = PublicationFilter(request.GET, publications)
        publications = publication_filter.paginate(self.per_page)
        context["publication_filter"] = publication_filter
        context["publications"] = publications
        context["page_numbers"] = list(publications.paginator.get_elided_page_range(publications.number))
        return context


class PublicationKeyword(TaggedItemBase):
    content_object = ParentalKey("publications.PublicationPage", on_delete=models.CASCADE, related_name="keyword_items")


class PublicationPage(FollowedPage, TaggedContent, Page):
    """A research paper, working paper, policy brief, report or book chapter, with its PDF.

    Metadata is always public once the page is live; the full text (PDF download, extracted text,
    search over it) waits for ``embargo_until`` unless you can edit the page.
    """

    publication_type = models.CharField(
        max_length=20, choices=PublicationType.choices, default=PublicationType.RESEARCH_PAPER
    )
    subtitle = models.CharField(max_length=255, blank=True)
    abstract = models.TextField(help_text="Plain text; separate paragraphs with a blank line.")
    institution = models.ForeignKey(
        "salam.PartnerInstitute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
        help_text="The partner institute that published it.",
    )
    publication_date = models.DateField(default=datetime.date.today)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="en")
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="PDF",
        help_text="The full text. It is read in the background; the status appears under “Full text”.",
    )
    doi = models.CharField(
        "DOI", max_length=255, blank=True, validators=[validate_doi], help_text="e.g. 10.1234/salam.2024.001"
    )
    licence = models.CharField(max_length=32, choices=LICENCE_CHOICES, default="CC-BY-4.0")
    keywords = ClusterTaggableManager(
        through=PublicationKeyword,
        blank=True,
        # taggit calls the field "Tags"; the public page lists these under "Keywords".
        verbose_name="Keywords",
        help_text="Free keywords shown on the page, separated by commas.",
    )
    related_publications = ParentalManyToManyField(
        "publications.PublicationPage", blank=True, related_name="+", symmetrical=False
    )
    embargo_until = models.DateField(
        null=True,
        blank=True,
        help_text="Until this date only the metadata is public: the PDF and its text stay hidden.",
    )

    content_panels = [
        TitleFieldPanel("title"),
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("publication_type"), FieldPanel("publication_date"), FieldPanel("language")]),
        InlinePanel("publication_authors", label="author", min_num=1, heading="Authors"),
        FieldPanel("institution"),
        FieldPanel("abstract"),
        MultiFieldPanel(
            [FieldPanel("pdf"), FieldPanel("embargo_until"), ExtractionPanel(heading="Extracted text")],
            heading="Full text",
        ),
        MultiFieldPanel([FieldPanel("doi"), FieldPanel("licence"), FieldPanel("keywords")], heading="Identifiers"),
        MultiFieldPanel(
            [
                InlinePanel("country_tags", label="country"),
                InlinePanel("theme_tags", label="theme"),
                InlinePanel("gcm_tags", label="GCM objective"),
                TagSuggestionsPanel(),
            ],
            heading="Countries, themes and GCM objectives",
        ),
        FieldPanel("related_publications", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("abstract"),
        index.SearchField("doi"),
        index.FilterField("publication_type"),
        index.FilterField("publication_date"),
        index.RelatedFields("publication_authors", [index.RelatedFields("author", [index.SearchField("name")])]),
    ]
    parent_page_types = ["publications.PublicationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "publication"

    def clean(self) -> None:
        super().clean()
        self.doi = normalise_doi(self.doi)
        if self.pdf_id:
            try:
                check_document_is_pdf(self.pdf)
            except PdfRejected as exc:
                raise ValidationError({"pdf": str(exc)}) from exc

    def add_editor_metadata(
        self,
        *,
        authors: Iterable[Author] = (),
        countries: Iterable[Country] = (),
        themes: Iterable[Theme] = (),
        objectives: Iterable[GCMObjective] = (),
        keywords: Iterable[str] = (),
    ) -> None:
        """Attach authors, tags an editor chose (in the given order, repeats dropped) and keywords, before saving."""
        for position, author in enumerate(dict.fromkeys(authors)):
            self.publication_authors.add(PublicationAuthor(author=author, sort_order=position))
        for position, country in enumerate(dict.fromkeys(countries)):
            self.country_tags.add(PublicationCountryTag(country=country, source=TagSource.EDITOR, sort_order=position))
        for position, theme in enumerate(dict.fromkeys(themes)):
            self.theme_tags.add(PublicationThemeTag(theme=theme, source=TagSource.EDITOR, sort_order=position))
        for position, objective in enumerate(dict.fromkeys(objectives)):
            self.gcm_tags.add(PublicationGCMTag(objective=objective, source=TagSource.EDITOR, sort_order=position))
        keywords = list(keywords)
        if keywords:
            self.keywords.add(*keywords)

    def full_text_is_public(self, today: datetime.date | None = None) -> bool:
        """False while the embargo lasts; the embargo ends at the start of ``embargo_until``."""
        if self.embargo_until is None:
            return True
        return (today or timezone.localdate()) >= self.embargo_until

    def pdf_withheld_reason(self) -> str:
        """Why readers of the live page may not download its PDF yet (the embargo), or "" when they may."""
        if self.full_text_is_public():
            return ""
        return (
            f"The full text of “{self.title}” is under embargo until {date_format(self.embargo_until, 'j F Y')}. "
            "Its summary is available on the publication page."
        )

    def text_status(self) -> tuple[str, str]:
        """Whether the PDF's text can be read yet (salam.content.TextStatus), and a sentence saying so."""
        from salam.content import TextStatus

        if not self.pdf_id:
            return TextStatus.NO_FULL_TEXT, "There is no PDF: the title and abstract were used."
        extraction = self.extraction
        if extraction is None or extraction.status in (ExtractionStatus.PENDING, ExtractionStatus.RUNNING):
            return TextStatus.PENDING, "The PDF is still being read; the suggestions will follow its full text."
        if extraction.status == ExtractionStatus.FAILED:
            return (
                TextStatus.UNREADABLE,
                f"The PDF's text could not be read, so only the title and abstract were used. {extraction.message}",
            )
        return TextStatus.READY, ""

    @property
    def extraction(self) -> PdfExtraction | None:
        """The extraction record of this page's PDF, or None when there is no PDF (or none yet)."""
        if not self.pdf_id:
            return None
        return PdfExtraction.objects.filter(document_id=self.pdf_id).first()

    # --- The content contract (salam.content.SearchableContent): what the tagger and the index read ---

    content_kind = "publication"

    def content_title(self) -> str:
        """The page's title."""
        return self.title or ""

    def content_abstract(self) -> str:
        """The subtitle and the abstract, as paragraphs."""
        parts = (self.subtitle or "", self.abstract or "")
        return "\n\n".join(part.strip() for part in parts if part.strip())

    def _content_extraction(self) -> PdfExtraction | None:
        if not self.pdf_id:
            return None
        if hasattr(self, PRELOADED_EXTRACTION):
            return getattr(self, PRELOADED_EXTRACTION)
        return self.extraction

    def content_text(self, today: datetime.date | None = None) -> ContentText:
        """The PDF's pages once read (numbered from 1, empty ones kept), public once the embargo is over."""
        extraction = self._content_extraction()
        done = extraction is not None and extraction.status == ExtractionStatus.DONE
        pages = (extraction.pages or []) if done else []
        units = tuple(TextUnit(number, text or "") for number, text in enumerate(pages, start=1))
        return ContentText(units=units, timed=False, public=self.full_text_is_public(today=today))

    def content_metadata(self) -> dict:
        """Type, subtitle, abstract, authors, institution, keywords, date, language, embargo and page count."""
        extraction = self._content_extraction()
        done = extraction is not None and extraction.status == ExtractionStatus.DONE
        authors = getattr(self, PRELOADED_AUTHORS, None)
        if authors is None:
            authors = [link.author.name for link in self.publication_authors.all() if link.author_id]
        keywords = getattr(self, PRELOADED_KEYWORDS, None)
        if keywords is None:
            keywords = sorted(tag.name for tag in self.keywords.all())
        date = self.publication_date
        return {
            "type": self.publication_type,
            "subtitle": self.subtitle,
            "abstract": self.abstract,
            "authors": authors,
            "institution": self.institution.name if self.institution_id else "",
            "keywords": keywords,
            "date": date.isoformat() if date else None,
            "year": date.year if date else None,
            "language": self.language or None,
            "embargo_until": self.embargo_until.isoformat() if self.embargo_until else None,
            "page_count": extraction.page_count if done else None,
        }

    @cached_property
    def authors(self) -> list[Author]:
        """The authors in the order the editor gave them."""
        return [pa.author for pa in self.publication_authors.select_related("author") if pa.author_id]

    @cached_property
    def keyword_names(self) -> list[str]:
        """The keywords' names, read once per page object."""
        return [tag.name for tag in self.keywords.all()]

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(reader_context(self, request))
        return context


class PublicationAuthor(Orderable):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="publication_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="publication_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="unique_publication_author")]

    def __str__(self) -> str:
        return f"{self.author} on {self.page}"


class PublicationCountryTag(Orderable, AbstractCountryTag):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="country_tags")

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "country"], name="unique_publication_country")]


class PublicationThemeTag(Orderable, AbstractThemeTag):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="theme_tags")

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "theme"], name="unique_publication_theme")]


class PublicationGCMTag(Orderable, AbstractGCMTag):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="gcm_tags")

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "objective"], name="unique_publication_gcm")]


class PdfExtraction(models.Model):
    """The text read from one document's PDF, page by page, or why it could not be read.

    One record per document, describing the file the document had when it was read: replacing
    the file resets the record to pending. Results are reused across documents with the same
    content (sha256), so the same file is never read twice.
    """

    document = models.OneToOneField("wagtaildocs.Document", on_delete=models.CASCADE, related_name="pdf_extraction")
    file_name = models.CharField(max_length=500, blank=True, help_text="The stored file this record describes.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_hash = models.CharField(max_length=40, blank=True, help_text="Wagtail's SHA-1 of the file, when known.")
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING)
    reason = models.CharField(max_length=64, blank=True, help_text="A short machine-readable cause of failure.")
    message = models.TextField(blank=True, help_text="What went wrong, in words an editor understands.")
    pages = models.JSONField(default=list, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Same file read before."
    )
    attempts = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PDF extraction"
        indexes = [models.Index(fields=["status"], name="pub_extraction_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: document {self.document_id}"

    def describes(self, document) -> bool:
        """True when this record is about the document's current file (not a file it had before)."""
        if self.file_name != document.file.name:
            return False
        if self.file_size is not None and document.file_size is not None and self.file_size != document.file_size:
            return False
        return not (self.file_hash and document.file_hash and self.file_hash != document.file_hash)

    @property
    def is_finished(self) -> bool:
        return self.status in (ExtractionStatus.DONE, ExtractionStatus.FAILED)

    @property
    def text(self) -> str:
        """All pages' text, pages separated by a form feed (as pdftotext does)."""
        return "\f".join(self.pages or [])

    def preview(self, chars: int = 600) -> str:
        """The first characters of the text, cut at a word boundary."""
        text = " ".join(self.text.split())
        if len(text) <= chars:
            return text
        return text[:chars].rsplit(" ", 1)[0] + " …"


class PublicationCover(models.Model):
    """The picture of a PDF's first page (publications.covers), or why it could not be drawn."""

    document = models.OneToOneField("wagtaildocs.Document", on_delete=models.CASCADE, related_name="publication_cover")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.CharField(max_length=255, blank=True, help_text="Why there is no picture.")
    file_sha256 = models.CharField(max_length=64, blank=True, help_text="The file that was drawn.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cover of document {self.document_id}" + (f" ({self.error})" if self.error else "")
