"""sitemap.xml: every live public page (Wagtail's sitemap) and the taxonomy's landing pages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from themes.models import Country, GCMObjective, Theme


class LandingSitemap(Sitemap):
    """Landing pages of every theme, GCM objective and the region's countries (they are views, not pages)."""

    changefreq = "weekly"

    def items(self) -> list:
        countries = Country.objects.filter(colombo_process_member=True) | Country.objects.filter(main_destination=True)
        return [
            *Theme.objects.order_by("slug"),
            *GCMObjective.objects.order_by("number"),
            *countries.order_by("alpha2"),
        ]

    def location(self, item) -> str:
        return item.get_absolute_url()


SITEMAPS = {"pages": WagtailSitemap, "landing": LandingSitemap}
