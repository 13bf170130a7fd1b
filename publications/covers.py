"""Cover thumbnails: the first page of a publication's PDF as a Wagtail image, drawn in the background.

After a PDF has been read (or failed to be), a task on the extraction queue runs poppler's
``pdftoppm`` on its first page in a child process with a time limit and memory and CPU limits, and
stores the PNG as a Wagtail image (in the "Publication covers" collection, with alt text) on a
``PublicationCover`` row for that document. A PDF that cannot be drawn (encrypted with a password,
damaged) records why and the pages show the designed placeholder instead.

Covers are served only through ``cover_view``, under the same rule as the PDF itself
(``salam.documents.document_download_verdict``): a draft's, a private page's or an embargoed
publication's cover goes to the placeholder for anyone who may not download that PDF. Each image
file's name carries a random token, so its storage address cannot be guessed either.
"""

from __future__ import annotations

import hashlib
import io
import logging
import resource
import secrets
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import receiver
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django_tasks import task

from publications.models import PublicationCover, PublicationPage
from publications.signals import pdf_extraction_failed, pdf_text_extracted
from salam.documents import document_download_verdict

logger = logging.getLogger(__name__)

COVER_QUEUE = "extraction"
COLLECTION_NAME = "Publication covers"
PLACEHOLDER = "publications/cover-placeholder.svg"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class CoverError(Exception):
    """Why a PDF's first page could not be drawn, in words an editor can read."""


def cover_alt(title: str) -> str:
    """The alt text of a cover: what the picture is, named after the publication."""
    return f"Cover of \u201c{title}\u201d"[:255]


def _limit_child() -> None:
    # Runs in the child before pdftoppm starts: a hostile PDF may not take more memory or CPU than this.
    memory = settings.COVER_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = settings.COVER_TIMEOUT_S + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def render_first_page(pdf: bytes, *, width: int | None = None) -> bytes:
    """The first page of a PDF as PNG bytes ``width`` pixels wide; raises CoverError when it cannot be drawn."""
    width = width or settings.COVER_WIDTH_PX
    if not pdf.startswith(b"%PDF-"):
        raise CoverError("The file is not a PDF.")
    with tempfile.TemporaryDirectory(prefix="salam-cover-") as folder:
        source = Path(folder, "in.pdf")
        source.write_bytes(pdf)
        target = Path(folder, "out")
        command = [
            settings.COVER_PDFTOPPM,
            "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to-x", str(width), "-scale-to-y", "-1",
            str(source), str(target),
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                timeout=settings.COVER_TIMEOUT_S,
                preexec_fn=_limit_child,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError as exc:
            raise CoverError("pdftoppm (poppler-utils) is not installed.") from exc
        except subprocess.TimeoutExpired as exc:
            raise CoverError(f"Drawing the first page took longer than {settings.COVER_TIMEOUT_S} s.") from exc
        output = target.with_suffix(".png")
        message = result.stderr.decode("utf-8", "replace")
        if result.returncode != 0 or not output.exists():
            if "password" in message.lower():
                raise CoverError("The PDF is encrypted with a password.")
            raise CoverError("The PDF is damaged: its first page could not be drawn.")
        data = output.read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        raise CoverError("pdftoppm gave no picture.")
    return data


def _collection():
    from wagtail.models import Collection

    existing = Collection.objects.filter(name=COLLECTION_NAME).first()
    return existing or Collection.get_first_root_node().add_child(name=COLLECTION_NAME)


def _cover_title(document) -> str:
    page = PublicationPage.objects.filter(pdf=document).order_by("pk").first()
    return page.title if page else document.title


def make_cover(document_id: int) -> PublicationCover | None:
    """Draw the cover of one document's PDF (again, if its file changed); None when the document is gone."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    with document.file.open("rb") as handle:
        pdf = handle.read()
    digest = hashlib.sha256(pdf).hexdigest()
    cover = PublicationCover.objects.filter(document=document).select_related("image").first()
    if cover and cover.file_sha256 == digest and (cover.image_id or cover.error):
        return cover  # this very file was drawn (or found undrawable) before
    title = _cover_title(document)
    image = None
    error = ""
    try:
        png = render_first_page(pdf)
    except CoverError as exc:
        error = str(exc)
        logger.info("No cover for document %s: %s", document_id, error)
    else:
        from PIL import Image as PillowImage

        width, height = PillowImage.open(io.BytesIO(png)).size
        image_model = get_image_model()
        image = image_model(
            title=f"Cover: {title}"[:255],
            collection=_collection(),
            description=cover_alt(title),
            width=width,
            height=height,
            file_size=len(png),
        )
        # A random name: the storage may be public, and this picture is only for readers of the PDF.
        image.file.save(f"cover-{secrets.token_hex(16)}.png", ContentFile(png), save=False)
        image.width, image.height = width, height  # the file field's dimension update leaves them empty
        image.save()
    with transaction.atomic():
        old_image = cover.image if cover and cover.image_id else None
        cover, _ = PublicationCover.objects.update_or_create(
            document=document, defaults={"image": image, "error": error, "file_sha256": digest}
        )
        if old_image is not None:
            old_image.delete()  # the picture of a file the document no longer has
    return cover


@task(queue_name=COVER_QUEUE)
def render_cover(document_id: int) -> str:
    """Background task: draw one document's cover; returns "done", "failed" or "gone"."""
    cover = make_cover(document_id)
    if cover is None:
        return "gone"
    return "done" if cover.image_id else "failed"


@receiver(pdf_text_extracted, dispatch_uid="publications_cover_after_text")
@receiver(pdf_extraction_failed, dispatch_uid="publications_cover_after_failure")
def draw_cover_after_reading(sender, page: PublicationPage, **kwargs) -> None:
    """Once a PDF has been read (even unsuccessfully: a scan still has a first page), draw its cover."""
    if page.pdf_id:
        document_id = page.pdf_id
        transaction.on_commit(lambda: render_cover.enqueue(document_id))


# Serving ---------------------------------------------------------------------------------------


def cover_for_request(page_id: int, request: HttpRequest) -> PublicationCover | None:
    """The cover of a publication's PDF if this request may download that PDF, else None."""
    page = PublicationPage.objects.filter(pk=page_id).select_related("pdf").first()
    if page is None or not page.pdf_id:
        return None
    cover = (
        PublicationCover.objects.filter(document_id=page.pdf_id, image__isnull=False).select_related("image").first()
    )
    if cover is None or not document_download_verdict(page.pdf, request).allowed:
        return None
    return cover


@require_GET
def cover_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """A publication's cover picture, or a redirect to the placeholder when there is none it may see."""
    cover = cover_for_request(page_id, request)
    if cover is None:
        response = HttpResponseRedirect(static(PLACEHOLDER))
        response["Cache-Control"] = "no-cache"  # a cover may appear once the PDF is drawn or published
        return response
    response = FileResponse(cover.image.file.open("rb"), content_type="image/png")
    # Private: a shared cache must not hand a page's cover on after the page turns private or embargoed.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
