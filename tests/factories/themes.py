"""Factories for the tagging tests: real PDFs (reportlab), publication and lecture pages, editors,
and a browser-like reader of Wagtail's page edit form (to post it back as an editor would)."""

from __future__ import annotations

import datetime
import io
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from wagtail.documents.models import Document
from wagtail.models import GroupPagePermission, Page
from wagtail.utils.file import hash_filelike

# Three pages of a fictional working paper: Nepal and Qatar with recruitment fees on page 1,
# remittances and Malaysia on page 2, return and reintegration on page 3.
PAPER_PAGES = [
    "Nepali workers bound for Qatar told us they paid recruitment fees of up to 1,500 dollars to agents "
    "in Kathmandu. The employer pays principle is written into the law of Nepal but rarely enforced, "
    "and recruitment fees and related costs are often paid with loans at high interest.",
    "Remittances sent home by migrant workers in Malaysia make up a large share of household income in "
    "the hill districts. Families use remittances for school fees, health care and to repay the loans "
    "taken for migration.",
    "Returnees described few services on their return: reintegration support is thin, and skills "
    "learned abroad are seldom recognised at home. Return and reintegration deserve a policy of their own.",
]


def pdf_bytes(pages: list[str], *, title: str = "Working paper") -> bytes:
    """A real multi-page PDF with the given text on each page, wrapped at 90 characters."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    for text in pages:
        y = 780
        words, line = text.split(), ""
        lines = []
        for word in words:
            if len(line) + len(word) + 1 > 90:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        for row in lines:
            pdf.drawString(60, y, row)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_document(pages: list[str] | None = None, *, title: str = "Working paper PDF") -> Document:
    """A Wagtail document holding a generated PDF, as an upload through the admin would leave it."""
    content = pdf_bytes(PAPER_PAGES if pages is None else pages, title=title)
    document = Document(title=title)
    document.file.save("working-paper.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
    document.file_hash = hash_filelike(io.BytesIO(content))
    document.save()
    return document


def publication_index(parent: Page, *, slug: str = "publications"):
    """A live publications index under the given page."""
    from publications.models import PublicationIndexPage

    index = PublicationIndexPage(title="Publications", slug=slug)
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index


def publication(
    index: Page,
    *,
    slug: str,
    title: str = "Recruitment costs of Nepali workers",
    abstract: str = "How much workers pay to be recruited, and who pays for the loans.",
    pdf: Document | None = None,
    publish: bool = True,
    **fields,
):
    """A publication page with one author (with one revision, published unless publish=False)."""
    from publications.models import Author, PublicationAuthor, PublicationPage

    page = PublicationPage(
        title=title,
        slug=slug,
        abstract=abstract,
        publication_date=datetime.date(2024, 5, 1),
        pdf=pdf,
        live=False,
        **fields,
    )
    author, _created = Author.objects.get_or_create(name="Sunita Rai", affiliation="Kathmandu Labour Studies Centre")
    page.publication_authors.add(PublicationAuthor(author=author, sort_order=0))
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return type(page).objects.get(pk=page.pk)


def lecture_index(parent: Page):
    """A live lectures index under the given page."""
    from lectures.models import LectureIndexPage

    index = LectureIndexPage(title="Lectures", slug="lectures")
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index


def lecture(index: Page, *, slug: str, transcript: str = "", publish: bool = True, **fields):
    """A past online lecture (published unless publish=False)."""
    from lectures.models import LecturePage

    start = timezone.now() - datetime.timedelta(days=7)
    page = LecturePage(
        title=fields.pop("title", "Women migrant workers and the Gulf"),
        slug=slug,
        abstract=fields.pop("abstract", "A public lecture on labour migration from South Asia."),
        start=start,
        end=start + datetime.timedelta(hours=1),
        timezone="Asia/Kathmandu",
        online=True,
        transcript=transcript,
        live=False,
        **fields,
    )
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return type(page).objects.get(pk=page.pk)


def superuser(username: str = "admin"):
    """A superuser who may do anything in the admin."""
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", "password")


def editor_of(page: Page, username: str, *, publish: bool = True):
    """A user who may use the admin and edit (and, unless publish=False, publish) pages below ``page``."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "password")
    group = Group.objects.create(name=f"Group of {username}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    permissions = ["add_page", "change_page"] + (["publish_page"] if publish else [])
    for codename in permissions:
        GroupPagePermission.objects.create(group=group, page=page, permission=Permission.objects.get(codename=codename))
    user.groups.add(group)
    return user


class _FormReader(HTMLParser):
    """Collects the values a browser would submit for one form (by id) of an HTML page."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template_depth = 0
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template":
            self.template_depth -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def read_form(html: str, form_id: str = "page-edit-form") -> dict[str, list[str]]:
    """The fields a browser would post for the form: name -> list of values."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data
