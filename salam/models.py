"""Site-wide pages: the home page and plain content pages."""

from django.apps import apps
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Orderable, Page
from wagtail.search import index


class BodyBlock(blocks.StreamBlock):
    """The blocks an editor can use in free-form page bodies."""

    heading = blocks.CharBlock(form_classname="title", icon="title", template="salam/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    image = blocks.StructBlock(
        [
            ("image", ImageChooserBlock()),
            ("alt_text", blocks.CharBlock(help_text="Describe the image for people who cannot see it.")),
            ("caption", blocks.CharBlock(required=False)),
        ],
        icon="image",
        template="salam/blocks/image.html",
    )
    quote = blocks.BlockQuoteBlock()


class HomePage(Page):
    """The front page: what the hub is, the latest evidence and the next lectures."""

    intro = models.TextField(
        blank=True, help_text="One or two sentences under the site name that say what SALAM offers."
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("featured", label="Featured publications", max_num=6),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_publications"] = self._live_children_of("publications", "PublicationPage", 4)
        context["upcoming_lectures"] = self._upcoming_lectures(3)
        context["recent_lectures"] = self._recent_lectures(3)
        context["featured_publications"] = self.featured_pages()
        return context

    def featured_pages(self) -> list[Page]:
        """The editors' picks that a visitor may see now (live and public), in the editors' order."""
        ids = [item.page_id for item in self.featured.all() if item.page_id]
        visible = {page.pk: page for page in Page.objects.live().public().filter(pk__in=ids).specific()}
        return [visible[pk] for pk in ids if pk in visible]

    @staticmethod
    def _recent_lectures(limit: int):
        try:
            model = apps.get_model("lectures", "LecturePage")
        except LookupError:
            return []
        return model.objects.live().public().filter(start__lt=timezone.now()).order_by("-start")[:limit]

    @staticmethod
    def _live_children_of(app_label: str, model_name: str, limit: int):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return []
        return model.objects.live().public().order_by("-first_published_at")[:limit]

    @staticmethod
    def _upcoming_lectures(limit: int):
        try:
            model = apps.get_model("lectures", "LecturePage")
        except LookupError:
            return []
        return model.objects.live().public().filter(start__gte=timezone.now()).order_by("start")[:limit]


class HomeFeatured(Orderable):
    """A publication the editors put on the home page (a string reference: salam imports no app)."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page", page_type="publications.PublicationPage")]


class StandardPage(Page):
    """A plain content page (about, partners, privacy notice)."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["salam.StandardPage"]


@register_setting(icon="group")
class CentreSettings(ClusterableModel, BaseGenericSetting):
    """Who runs the centre, the programme it belongs to and who funds it: shown in every page's footer
    and on the About page, edited under Settings > Centre and partners."""

    centre_name = models.CharField(
        max_length=200,
        default="South Asia Centre for Labour Mobility and Migrants",
        help_text="The centre's full name, written out after “SALAM” in the footer.",
    )
    about_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the “About” link in the navigation and footer opens.",
    )
    programme_name = models.CharField(max_length=100, blank=True, default="GOALS")
    programme_title = models.CharField(
        max_length=255,
        blank=True,
        default="Governance of Labour Migration in South and South-East Asia",
        help_text="What the programme's name stands for.",
    )
    programme_agencies = models.CharField(
        max_length=255, blank=True, default="ILO, IOM and UN Women", help_text="Who runs the programme."
    )
    programme_url = models.URLField(blank=True)
    funder_name = models.CharField(max_length=200, blank=True, default="Swiss Agency for Development and Cooperation")
    funder_short_name = models.CharField(max_length=20, blank=True, default="SDC")
    funder_url = models.URLField(blank=True, default="https://www.eda.admin.ch/sdc")

    panels = [
        FieldPanel("centre_name"),
        PageChooserPanel("about_page"),
        InlinePanel("partners", heading="Partner institutes", label="Partner institute"),
        MultiFieldPanel(
            [FieldPanel(name) for name in ("programme_name", "programme_title", "programme_agencies", "programme_url")],
            heading="Programme",
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name in ("funder_name", "funder_short_name", "funder_url")], heading="Funder"
        ),
    ]

    class Meta:
        verbose_name = "Centre and partners"

    def __str__(self) -> str:
        return self.centre_name


class PartnerInstitute(index.Indexed, models.Model):
    """A research institute that runs SALAM: named in the footer and on the About page when it belongs to
    the centre's settings; a publication may name it as its publisher."""

    centre = ParentalKey(
        CentreSettings,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partners",
        help_text="Set for the institutes the footer and About page name.",
    )
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    url = models.URLField(blank=True)
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence on what the institute does, for the About page."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    # Wagtail's inline panel keeps the editor's order in this field.
    sort_order_field = "sort_order"

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("country"),
        *(index.AutocompleteField(name) for name in ("name", "country")),
        *(index.FilterField(name) for name in ("name", "country", "sort_order")),
    ]
    panels = [FieldPanel("name"), FieldPanel("country"), FieldPanel("url"), FieldPanel("description")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class RateCounter(models.Model):
    """One rate-limit counter (salam.cache.AtomicCounterCache): a key, its count and when it expires.

    Counted with single SQL statements, so concurrent requests on any number of processes and
    machines add up exactly; rows past ``expires`` are dead and purged by the periodic jobs.
    """

    key = models.CharField(max_length=255, unique=True)
    count = models.BigIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class PeriodicJobRun(models.Model):
    """When one periodic job (salam.periodic) last ran and how it ended.

    Lets hourly and daily jobs run only when due however often cron starts the runner, keeps two
    runners from doing the same job at once, and shows an operator what happened (`--list`).
    """

    name = models.CharField(max_length=100, unique=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True, help_text="Empty until the job has finished once.")
    last_message = models.TextField(blank=True, help_text="The job's summary, or why it failed.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        outcome = {True: "ok", False: "failed", None: "never finished"}[self.last_ok]
        return f"{self.name}: {outcome}"
