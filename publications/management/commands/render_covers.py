"""Draw the cover thumbnails of publications' PDFs now (after an upgrade, or for content loaded without a worker)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from publications import covers
from publications.models import PublicationCover, PublicationPage


class Command(BaseCommand):
    help = (
        "Draw the cover of every publication PDF that has none yet (or, with --all, of every one). "
        "A PDF that cannot be drawn is reported and gets the placeholder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Draw again even where a cover exists.")
        parser.add_argument(
            "--page", type=int, action="append", default=[], help="Only this publication page (id; repeatable)."
        )

    def handle(self, *args, **options):
        pages = PublicationPage.objects.exclude(pdf=None)
        if options["page"]:
            wanted = set(options["page"])
            if any(pk <= 0 for pk in wanted):
                raise CommandError("Page ids are positive numbers.")
            found = set(pages.filter(pk__in=wanted).values_list("pk", flat=True))
            if wanted - found:
                missing = ", ".join(str(pk) for pk in sorted(wanted - found))
                raise CommandError(f"No publication with a PDF has the id {missing}.")
            pages = pages.filter(pk__in=wanted)
        documents = sorted(set(pages.values_list("pdf_id", flat=True)))
        if not options["all"] and not options["page"]:
            done = set(PublicationCover.objects.values_list("document_id", flat=True))
            documents = [pk for pk in documents if pk not in done]
        if options["all"]:
            PublicationCover.objects.filter(document_id__in=documents).update(file_sha256="")
        drawn = failed = 0
        for document_id in tqdm(documents, desc="Drawing covers", unit="PDF", file=self.stderr):
            cover = covers.make_cover(document_id)
            if cover is not None and cover.image_id:
                drawn += 1
            elif cover is not None:
                failed += 1
                self.stderr.write(f"Document {document_id}: {cover.error}")
        self.stdout.write(f"{drawn} cover(s) drawn, {failed} PDF(s) could not be drawn.")
