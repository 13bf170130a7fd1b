"""The taxonomy every publication and lecture is tagged with: countries, themes, GCM objectives.

Editors extend the vocabulary (aliases, demonyms, keywords) in the admin; the tagger is rebuilt
from it, so a new synonym starts counting at the next tagging run.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


def split_terms(text: str) -> list[str]:
    """Split a one-term-per-line field into its non-empty, trimmed terms."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Country(index.Indexed, models.Model):
    """A country publications and lectures can be about.

    Codes and the ISO name come from ISO 3166 (pycountry); the display name is the one the centre
    uses ("Viet Nam", "Republic of Korea"). Aliases and demonyms teach the tagger other ways of
    writing the country ("UAE", "Nepali workers").
    """

    alpha2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    alpha3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    name = models.CharField(max_length=100, help_text="The name shown to visitors.")
    iso_name = models.CharField("ISO name", max_length=150, blank=True)
    aliases = models.TextField(blank=True, help_text="Other names and abbreviations, one per line.")
    demonyms = models.TextField(blank=True, help_text="Adjectives and nouns for its people, one per line.")
    colombo_process_member = models.BooleanField(default=False)
    main_destination = models.BooleanField(
        default=False, help_text="A main destination country for workers from the region."
    )

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("alpha2"), FieldPanel("alpha3"), FieldPanel("iso_name")]),
        FieldPanel("aliases"),
        FieldPanel("demonyms"),
        MultiFieldPanel([FieldPanel("colombo_process_member"), FieldPanel("main_destination")], heading="Role"),
    ]
    # The admin's list and chooser search (Wagtail's database backend) read these: an editor finds a
    # country by its name, ISO name, either code, an alias or a demonym, as far as typed.
    search_fields = [
        index.SearchField("name", boost=3),
        *(index.SearchField(name) for name in ("iso_name", "alpha2", "alpha3", "aliases", "demonyms")),
        *(index.AutocompleteField(name) for name in ("name", "iso_name", "alpha2", "alpha3", "aliases", "demonyms")),
        # Sorting and filtering a searched list needs these.
        *(
            index.FilterField(name)
            for name in ("name", "alpha2", "alpha3", "colombo_process_member", "main_destination")
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        import pycountry

        self.alpha2 = (self.alpha2 or "").upper()
        self.alpha3 = (self.alpha3 or "").upper()
        record = pycountry.countries.get(alpha_2=self.alpha2)
        if record is None:
            raise ValidationError({"alpha2": f"{self.alpha2!r} is not an ISO 3166 alpha-2 country code."})
        if self.alpha3 and self.alpha3 != record.alpha_3:
            raise ValidationError({"alpha3": f"The alpha-3 code for {self.alpha2} is {record.alpha_3}."})
        self.alpha3 = record.alpha_3
        self.iso_name = self.iso_name or record.name

    @property
    def alias_list(self) -> list[str]:
        return split_terms(self.aliases)

    @property
    def demonym_list(self) -> list[str]:
        return split_terms(self.demonyms)

    def get_absolute_url(self) -> str:
        return reverse("themes:country", args=[self.alpha2.lower()])


class Theme(index.Indexed, models.Model):
    """A thematic area of labour migration policy (e.g. fair and ethical recruitment)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(help_text="Two or three sentences for the theme's landing page.")
    keywords = models.TextField(blank=True, help_text="Synonyms and keywords the tagger looks for, one per line.")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("keywords")]
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("slug"),
        index.SearchField("keywords"),
        index.SearchField("description"),
        *(index.AutocompleteField(name) for name in ("name", "slug", "keywords")),
        *(index.FilterField(name) for name in ("name", "slug")),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return split_terms(self.keywords)

    def get_absolute_url(self) -> str:
        return reverse("themes:theme", args=[self.slug])


class GCMObjective(index.Indexed, models.Model):
    """One of the 23 objectives of the Global Compact for Safe, Orderly and Regular Migration."""

    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1), MaxValueValidator(23)])
    title = models.CharField(max_length=200, help_text="The official title.")
    description = models.TextField(help_text="One or two sentences in plain words.")
    keywords = models.TextField(blank=True, help_text="Phrases the tagger looks for, one per line.")

    panels = [FieldPanel("number"), FieldPanel("title"), FieldPanel("description"), FieldPanel("keywords")]
    search_fields = [
        index.SearchField("short_name", boost=3),
        index.SearchField("title", boost=2),
        index.SearchField("keywords"),
        index.SearchField("description"),
        # "7" and "Objective 7" find objective 7.
        *(index.AutocompleteField(name) for name in ("short_name", "title", "keywords")),
        *(index.FilterField(name) for name in ("number", "title")),
    ]

    class Meta:
        ordering = ["number"]
        verbose_name = "GCM objective"

    def __str__(self) -> str:
        return f"{self.short_name}: {self.title}"

    @property
    def short_name(self) -> str:
        return f"Objective {self.number}"

    @property
    def keyword_list(self) -> list[str]:
        return split_terms(self.keywords)

    def get_absolute_url(self) -> str:
        return reverse("themes:gcm", args=[self.number])


class Family(models.TextChoices):
    """The three kinds of label a page carries."""

    COUNTRY = "country", "Country"
    THEME = "theme", "Theme"
    GCM_OBJECTIVE = "gcm_objective", "GCM objective"


class TagSource(models.TextChoices):
    """Who put a tag on a page: editor decisions always win over the tagger's."""

    EDITOR = "editor", "Editor"
    TAGGER = "tagger", "Tagger"


class AbstractPageTag(models.Model):
    """A tag on a page, remembering who set it.

    Page types that carry taxonomy tags (publications, lectures) declare three orderable
    subclasses with a ``page = ParentalKey(<PageModel>, related_name=...)`` using the related names
    ``country_tags``, ``theme_tags`` and ``gcm_tags``, mix in themes.tagged.TaggedContent and register
    with salam.content.register_content_type; themes.services works on every registered page type.
    """

    source = models.CharField(max_length=10, choices=TagSource.choices, default=TagSource.EDITOR)

    class Meta:
        abstract = True


class AbstractCountryTag(AbstractPageTag):
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("country")]

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        return self.country.alpha2


class AbstractThemeTag(AbstractPageTag):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("theme")]

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        return self.theme.slug


class AbstractGCMTag(AbstractPageTag):
    objective = models.ForeignKey(GCMObjective, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("objective")]

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        return str(self.objective.number)


class TagSuggestion(models.Model):
    """What the tagger proposes for a page, with its score and the passages that justify it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="tag_suggestions")
    family = models.CharField(max_length=20, choices=Family.choices)
    code = models.CharField(max_length=64, help_text="ISO alpha-2, theme slug or objective number.")
    score = models.FloatField()
    evidence = models.JSONField(
        default=list, help_text='Up to a few passages: [{"page": 12 | null, "text": "...", "where": "body"}].'
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "family", "code"], name="unique_tag_suggestion")]
        ordering = ["family", "-score"]

    def __str__(self) -> str:
        return f"{self.family}:{self.code} ({self.score:.2f}) on page {self.page_id}"


class TagDecision(models.Model):
    """An editor's accept or reject of a label on a page; the tagger never overrides it."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="tag_decisions")
    family = models.CharField(max_length=20, choices=Family.choices)
    code = models.CharField(max_length=64)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "family", "code"], name="unique_tag_decision")]

    def __str__(self) -> str:
        return f"{self.decision} {self.family}:{self.code} on page {self.page_id}"


class TaggerModel(models.Model):
    """A trained tagger: the classifier's weights and the calibration fitted with them.

    ``manage.py train_tagger`` adds one per training run and makes it the active one only when it
    scores at least as well on the dev split as the model it would replace. Every worker uses the
    active model, whichever machine it runs on (the weights live here, not on a disk).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=False)
    version = models.CharField(max_length=16, help_text="A hash of the weights and calibration.")
    config = models.JSONField(help_text="The classifier architecture the weights belong to.")
    settings = models.JSONField(default=dict, help_text="The training settings (seed, epochs ...).")
    calibration = models.JSONField(help_text="Thresholds and decision parameters fitted on the dev split.")
    weights = models.BinaryField(help_text="The textcat component, compressed.")
    corpus_fingerprint = models.CharField(max_length=64, blank=True)
    feedback_examples = models.PositiveIntegerField(default=0, help_text="Editor decisions folded in.")
    dev_scores = models.JSONField(default=dict, help_text="F1 per family on the dev split when trained.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_tagger_model")
        ]

    def __str__(self) -> str:
        return f"tagger {self.version} ({'active' if self.active else 'inactive'}, {self.created_at:%Y-%m-%d %H:%M})"
