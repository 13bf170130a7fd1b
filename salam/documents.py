"""Who may download a Wagtail document: the readers of a live page that uses it, and the staff who manage it.

A document is private until a live page that the request may view uses it as its *live* content
(a publication's PDF, a lecture's slides). Content apps say which of their page fields hold
documents with ``register_document_use`` in their ``ready()``; a page may also withhold a file it
uses (an embargoed publication's full text). Everything else, including a file uploaded from a
chooser and never saved on a page, answers 404 to anyone who cannot manage it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision
from wagtail.permissions import policy_registry


@dataclass(frozen=True)
class DocumentUse:
    """A page field that holds a document; ``withheld`` says why its readers may not have it yet."""

    model: type[Page]
    field: str
    withheld: Callable[[Page], str] | None = None


@dataclass(frozen=True)
class DownloadVerdict:
    """Whether a request may download a document; when not, the status and the reason shown."""

    allowed: bool
    status: int = 200
    message: str = ""


NOT_AVAILABLE = "This document is not available."

_USES: list[DocumentUse] = []


def register_document_use(model: type[Page], field: str, withheld: Callable[[Page], str] | None = None) -> None:
    """Declare that ``model.field`` (a ForeignKey to a document) publishes a document to the page's readers."""
    use = DocumentUse(model, field, withheld)
    if use not in _USES:
        _USES.append(use)


def registered_document_uses() -> tuple[DocumentUse, ...]:
    """Every registered page field that holds a document."""
    return tuple(_USES)


def pages_using_document(document_id: int) -> Iterator[tuple[DocumentUse, Page]]:
    """(use, page) for every page whose stored row, or any of its revisions, has the document in a use.

    The stored row of a live page is its live content; a draft that chose the document shows up
    through its revision (and the row then holds the live value, which is what readers get).
    """
    for use in _USES:
        content_type = ContentType.objects.get_for_model(use.model)
        revision_page_ids = Revision.objects.filter(
            content_type=content_type, **{f"content__{use.field}": document_id}
        ).values_list("object_id", flat=True)
        ids = {int(pk) for pk in revision_page_ids if str(pk).isdigit()}
        ids.update(use.model.objects.filter(**{f"{use.field}_id": document_id}).values_list("pk", flat=True))
        for page in use.model.objects.filter(pk__in=ids).order_by("pk"):
            yield use, page


def document_download_verdict(document, request: HttpRequest) -> DownloadVerdict:
    """Whether the request may download the document (see the module docstring for the rules)."""
    uses = list(pages_using_document(document.pk))
    user = request.user
    if user.is_authenticated and (
        policy_registry.get_by_type(get_document_model()).user_has_permission_for_instance(user, "change", document)
        or any(page.permissions_for_user(user).can_edit() for _use, page in uses)
    ):
        return DownloadVerdict(True)
    withheld = ""
    for use, page in uses:
        if not page.live or getattr(page, f"{use.field}_id") != document.pk:
            continue
        if not all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
            continue
        reason = use.withheld(page) if use.withheld else ""
        if reason:
            withheld = withheld or reason
            continue
        return DownloadVerdict(True)
    if withheld:
        return DownloadVerdict(False, 403, withheld)
    return DownloadVerdict(False, 404, NOT_AVAILABLE)
