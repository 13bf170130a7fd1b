"""Factories for the tagging tests: the working paper's text and PDF, publication and lecture pages
with the tagging tests' defaults (made by the publications and lectures factories), editors, and a
browser-like reader of Wagtail's page edit form (to post it back as an editor would)."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import GroupPagePermission, Page

from tests.factories.lectures import make_lecture
from tests.factories.publications import make_document, make_publication, pdf_bytes

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


def pdf_document(pages: list[str] | None = None, *, title: str = "Working paper PDF") -> Document:
    """The working paper (PAPER_PAGES, or the given pages) as an uploaded PDF document."""
    content = pdf_bytes(PAPER_PAGES if pages is None else pages, title=title)
    return make_document(content, name="working-paper.pdf", title=title)


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
    """A research paper by one author (one revision, published unless publish=False), read afresh."""
    from publications.models import Author, PublicationType

    author, _created = Author.objects.get_or_create(name="Sunita Rai", affiliation="Kathmandu Labour Studies Centre")
    fields.setdefault("publication_type", PublicationType.RESEARCH_PAPER)
    fields.setdefault("publication_date", datetime.date(2024, 5, 1))
    page = make_publication(
        index, slug=slug, title=title, abstract=abstract, pdf=pdf, live=publish, authors=[author], **fields
    )
    return type(page).objects.get(pk=page.pk)


def lecture(index: Page, *, slug: str, transcript: str = "", publish: bool = True, **fields):
    """A past online lecture, a week ago (published unless publish=False), read afresh."""
    start = timezone.now() - datetime.timedelta(days=7)
    values = {
        "title": "Women migrant workers and the Gulf",
        "abstract": "A public lecture on labour migration from South Asia.",
        "start": start,
        "end": start + datetime.timedelta(hours=1),
        "timezone": "Asia/Kathmandu",
        "online": True,
        "venue": "",
        **fields,
    }
    page = make_lecture(index, slug=slug, transcript=transcript, live=False, publish_revision=publish, **values)
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
