"""Load the demo content: about page, publications (with generated PDFs) and lectures.

Safe to re-run: every step skips what already exists. PDFs are extracted, tagged and indexed by
the background worker afterwards, as they would be for a researcher's upload.
"""

from django.core.management.base import BaseCommand

from salam.demo import demo_loaders
from salam.models import CentreSettings, HomePage, StandardPage

ABOUT_TEXT = (
    "SALAM brings together research institutes in Bangladesh, India, Nepal, Pakistan and Sri Lanka "
    "that study the movement of workers from South Asia to the Gulf, South-East Asia and beyond. "
    "The hub publishes their papers and policy briefs, tags every document by country, theme and "
    "Global Compact for Migration objective, and runs a public lecture series."
)


class Command(BaseCommand):
    help = "Create the demo site content (idempotent)."

    def handle(self, *args, **options):
        home = HomePage.objects.get()
        created = []
        if not StandardPage.objects.child_of(home).filter(slug="about").exists():
            about = StandardPage(slug="about", title="About SALAM", intro=ABOUT_TEXT)
            home.add_child(instance=about)
            about.save_revision().publish()
            created.append(about)
        # The navigation's and footer's About link, and the partners shown on it, follow this setting.
        centre = CentreSettings.load()
        if centre.about_page_id is None:
            centre.about_page = StandardPage.objects.child_of(home).get(slug="about")
            centre.save(update_fields=["about_page"])
        # Each content app registered its loader (salam.demo), which creates its own index page under
        # the home page (or reuses the one there): publications, then lectures.
        for _name, create_demo in demo_loaders():
            created += create_demo(home, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({len(created)} new pages)."))
