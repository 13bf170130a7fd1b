"""Load the demo content: about page, publications (with generated PDFs) and lectures.

Safe to re-run: every step skips what already exists. PDFs are extracted, tagged and indexed by
the background worker afterwards, as they would be for a researcher's upload.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from salam.models import HomePage, StandardPage

ABOUT_TEXT = (
    "SALAM brings together research institutes in Bangladesh, India, Nepal, Pakistan and Sri Lanka "
    "that study the movement of workers from South Asia to the Gulf, South-East Asia and beyond. "
    "The hub publishes their papers and policy briefs, tags every document by country, theme and "
    "Global Compact for Migration objective, and runs a public lecture series."
)


class Command(BaseCommand):
    help = "Create the demo site content (idempotent)."

    def handle(self, *args, **options):
        from lectures.demo import create_demo as create_demo_lectures
        from lectures.models import LectureIndexPage
        from publications.demo import create_demo as create_demo_publications
        from publications.models import PublicationIndexPage

        home = HomePage.objects.get()
        with transaction.atomic():
            self._child(home, StandardPage, "about", "About SALAM", intro=ABOUT_TEXT)
            publications = self._child(
                home,
                PublicationIndexPage,
                "publications",
                "Publications",
                intro="Research papers, working papers, policy briefs and reports from the SALAM partners.",
            )
            lectures = self._child(
                home,
                LectureIndexPage,
                "lectures",
                "Lectures",
                intro="Public lectures on labour migration: register for the next one or watch past recordings.",
            )
        created = create_demo_publications(publications, stdout=self.stdout)
        created += create_demo_lectures(lectures, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({len(created)} new pages)."))

    def _child(self, parent, model, slug: str, title: str, **fields):
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing:
            return existing
        page = model(slug=slug, title=title, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.stdout.write(f"Created {model._meta.verbose_name} '{title}'")
        return page
