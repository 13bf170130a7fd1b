"""Demo publications for `manage.py load_demo`: seventeen fictional papers, briefs and reports with generated PDFs.

Everything here is invented: the people, their institutes, the surveys and the figures; no paper
names one of the centre's real partner institutes as its publisher. The PDFs are written with
reportlab when the demo is loaded, several pages each with running heads and page numbers; their
text names countries, themes and GCM objectives so the tagger has something to find. Running it
again skips what already exists (by slug).
"""

from __future__ import annotations

import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from publications.demo_content import AUTHORS, PUBLICATIONS, RELATED
from publications.demo_content_phase1 import AUTHORS_PHASE1, PUBLICATIONS_PHASE1, RELATED_PHASE1
from publications.models import (
    Author,
    PublicationIndexPage,
    PublicationPage,
)
from themes.models import Country, GCMObjective, Theme

logger = logging.getLogger(__name__)

ALL_AUTHORS = {**AUTHORS, **AUTHORS_PHASE1}
ALL_PUBLICATIONS = [*PUBLICATIONS, *PUBLICATIONS_PHASE1]


def demo_pdf(spec: dict, authors: list[Author], institution: str) -> bytes:
    """A multi-page PDF: a title page with the abstract, one page per section, then methods and a table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    names = ", ".join(author.name for author in authors)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=spec["title"],
        author=names,
        subject=spec["abstract"].split("\n")[0][:200],
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
    )
    styles = getSampleStyleSheet()
    story = [
        Paragraph(spec["title"], styles["Title"]),
        Paragraph(spec["subtitle"], styles["Heading3"]) if spec["subtitle"] else Spacer(1, 6),
        Paragraph(names, styles["Heading4"]),
        Paragraph(f"{institution} · {spec['date']:%B %Y}", styles["Normal"]),
        Spacer(1, 18),
        Paragraph("Abstract", styles["Heading2"]),
    ]
    story += [Paragraph(paragraph, styles["BodyText"]) for paragraph in spec["abstract"].split("\n\n")]
    for heading, paragraphs in spec["sections"]:
        story += [PageBreak(), Paragraph(heading, styles["Heading2"])]
        story += [Paragraph(paragraph, styles["BodyText"]) for paragraph in paragraphs]
    if spec.get("method"):
        story += [PageBreak(), Paragraph("Data and methods", styles["Heading2"])]
        story += [Paragraph(spec["method"], styles["BodyText"])]
    if spec.get("table"):
        table = Table([list(row) for row in spec["table"]], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.grey),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story += [PageBreak(), Paragraph("Annex: main figures", styles["Heading2"]), table]
    story += [Spacer(1, 24), Paragraph("Fictional demo content of the SALAM knowledge hub.", styles["Italic"])]

    def running_head(canvas, doc) -> None:
        # Page numbers printed on the page, as a real report has them (they match the PDF's own numbering).
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2.5 * cm, 1.5 * cm, spec["title"][:90])
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, str(doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=running_head, onLaterPages=running_head)
    return buffer.getvalue()


def _authors() -> dict[str, Author]:
    authors = {}
    for key, (name, affiliation, country_code, orcid) in ALL_AUTHORS.items():
        country = Country.objects.filter(alpha2=country_code).first() if country_code else None
        authors[key], _ = Author.objects.get_or_create(
            name=name, defaults={"affiliation": affiliation, "country": country, "orcid": orcid}
        )
    return authors


def _index_under(parent_page: Page) -> tuple[PublicationIndexPage, bool]:
    """The publications index: parent_page itself, its existing index child, or a new one (created=True)."""
    specific = parent_page.specific
    if isinstance(specific, PublicationIndexPage):
        return specific, False
    existing = PublicationIndexPage.objects.child_of(parent_page).first()
    if existing:
        return existing, False
    index = PublicationIndexPage(title="Publications", slug="publications")
    parent_page.add_child(instance=index)
    index.save_revision().publish()
    return index, True


def _publication(spec: dict, index: PublicationIndexPage, authors: dict[str, Author]) -> PublicationPage:
    page_authors = [authors[key] for key in spec["authors"]]
    # The fictional authors' own (fictional) institute; never a partner institute as publisher.
    content = demo_pdf(spec, page_authors, page_authors[0].affiliation)
    document = get_document_model()(title=spec["title"][:255])
    document.file.save(f"{spec['slug']}.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
    document.file_hash = hash_filelike(io.BytesIO(content))
    document.save()
    embargo_days = spec.get("embargo_days")
    page = PublicationPage(
        title=spec["title"],
        slug=spec["slug"],
        subtitle=spec["subtitle"],
        publication_type=spec["type"],
        publication_date=spec["date"],
        abstract=spec["abstract"],
        institution=None,
        language="en",
        pdf=document,
        doi=spec["doi"],
        licence="CC-BY-4.0",
        embargo_until=timezone.localdate() + datetime.timedelta(days=embargo_days) if embargo_days else None,
    )
    themes = list(Theme.objects.filter(slug__in=spec["themes"]))
    page.add_editor_metadata(
        authors=page_authors,
        countries=Country.objects.filter(alpha2__in=spec["countries"]),
        themes=themes,
        objectives=GCMObjective.objects.filter(number__in=spec["gcm"]),
        keywords=[theme.name.lower() for theme in themes],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def create_demo(parent_page: Page, *, stdout=None) -> list[Page]:
    """Create the demo publications (and their index if parent_page is not one); returns the new pages."""
    created: list[Page] = []
    with transaction.atomic():
        index, index_created = _index_under(parent_page)
        if index_created:
            created.append(index)
        authors = _authors()
        existing = set(PublicationPage.objects.child_of(index).values_list("slug", flat=True))
        for spec in ALL_PUBLICATIONS:
            if spec["slug"] in existing:
                continue
            page = _publication(spec, index, authors)
            created.append(page)
            if stdout is not None:
                stdout.write(f"Created publication '{page.title}'")
        pages = {page.slug: page for page in PublicationPage.objects.child_of(index)}
        for slug, related_slugs in {**RELATED, **RELATED_PHASE1}.items():
            page = pages.get(slug)
            if page is None or page.related_publications.exists():
                continue
            page.related_publications.set([pages[s] for s in related_slugs if s in pages])
            page.save_revision().publish()
    logger.info("Demo publications: %d created", len(created))
    return created
