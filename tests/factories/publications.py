"""Factories for publications: real multi-page PDFs made with reportlab, authors, index and pages."""

from __future__ import annotations

import datetime
import io

import factory
from django.core.files.base import ContentFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from wagtail.documents.models import Document
from wagtail.utils.file import hash_filelike

from publications.models import Author, PublicationIndexPage, PublicationPage, PublicationType

DEFAULT_PAGES = (
    "Recruitment fees paid by workers from Nepal to agencies in Kathmandu remain high.",
    "Remittances sent home from Qatar support households in the Terai.",
)


def pdf_bytes(
    pages: tuple[str, ...] | list[str] = DEFAULT_PAGES, *, title: str = "Test PDF", encrypt: object = None
) -> bytes:
    """A real PDF with one text page per string (reportlab), words wrapped at 90 characters.

    ``encrypt`` takes reportlab's StandardEncryption, for PDFs that need a password.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    pdf.setTitle(title)
    for text in pages:
        y = 780
        for line in _wrapped(text, 90):
            pdf.drawString(60, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrapped(text: str, width: int) -> list[str]:
    # Whole words per line, so the text reads back word for word; a word longer than a line is cut.
    lines, line = [], ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def make_document(
    content: bytes | None = None, *, name: str = "paper.pdf", title: str = "A paper", collection=None
) -> Document:
    """A Wagtail document holding the given bytes (a generated PDF by default), with size and hash set."""
    content = pdf_bytes() if content is None else content
    document = Document(title=title)
    if collection is not None:
        document.collection = collection
    document.file.save(name, ContentFile(content), save=False)
    document.file_size = len(content)
    document.file_hash = hash_filelike(io.BytesIO(content))
    document.save()
    return document


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author Number{n}")
    affiliation = "Nepal Migration Policy Institute"
    orcid = ""


def make_index(parent, *, title: str = "Publications", slug: str = "publications") -> PublicationIndexPage:
    """A live publications index under the given page (the site root in most tests)."""
    index = PublicationIndexPage(title=title, slug=slug, intro="Research and policy briefs.")
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index


_counter = iter(range(1, 10**6))


def make_publication(
    index: PublicationIndexPage,
    *,
    title: str | None = None,
    live: bool = True,
    authors: list[Author] | None = None,
    pdf: Document | None = None,
    publication_type: str = PublicationType.POLICY_BRIEF,
    publication_date: datetime.date | None = None,
    owner=None,
    **fields,
) -> PublicationPage:
    """A publication under the index with its authors, published unless live=False."""
    number = next(_counter)
    title = title or f"Publication {number} on labour migration"
    page = PublicationPage(
        title=title,
        slug=fields.pop("slug", f"publication-{number}"),
        publication_type=publication_type,
        publication_date=publication_date or datetime.date(2024, 3, 15),
        abstract=fields.pop("abstract", "First paragraph of the abstract.\n\nSecond paragraph."),
        pdf=pdf,
        owner=owner,
        live=False,
        **fields,
    )
    for position, author in enumerate(authors or []):
        page.publication_authors.add(_author_link(author, position))
    index.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


def _author_link(author: Author, position: int):
    from publications.models import PublicationAuthor

    return PublicationAuthor(author=author, sort_order=position)


def form_fields(html: bytes | str, form_selector: str = "form#page-edit-form") -> dict[str, list[str]]:
    """What a browser would submit from a form: every named field's current values (no buttons)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    form = soup.select_one(form_selector)
    if form is None:
        raise AssertionError(f"No form matches {form_selector!r}")
    data: dict[str, list[str]] = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        if element.name == "input":
            kind = element.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            data.setdefault(name, []).append(element.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif element.name == "select":
            chosen = [o.get("value", o.get_text()) for o in element.select("option[selected]")]
            if not chosen and not element.has_attr("multiple"):
                first = element.select_one("option")
                chosen = [first.get("value", first.get_text())] if first else []
            data.setdefault(name, []).extend(chosen)
        else:
            data.setdefault(name, []).append(element.get_text())
    return data


def page_form(client, url: str, changes: dict, *, action: str | None = None) -> dict:
    """GET a Wagtail page form, apply changes (None deletes a field) and return POST data for it."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_fields(response.content)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [str(value)]
    if action:
        data[action] = ["1"]
    return data


def form_errors(response) -> str:
    """The error messages a Wagtail admin form shows, to explain a failed POST in an assertion."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select(".error-message, .w-field__errors, .help-critical, .errorlist, [role=alert]")
    return " | ".join(" ".join(el.get_text(" ", strip=True).split()) for el in found) or "(no messages)"


def handwritten_pdf(objects: list[bytes], info: bytes | None = None) -> bytes:
    """A PDF made of the given object bodies (object 1 is the catalog) with a correct xref table.

    For content no PDF library would write: broken streams, odd fonts, self-invoking forms.
    """
    if info is not None:
        objects = [*objects, info]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = b" /Info %d 0 R" % len(objects) if info is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info_ref, xref)
    return bytes(out)
