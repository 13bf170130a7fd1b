"""Admin views of the publications app: re-running the extraction of a publication's PDF, its status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from publications import services
from publications.models import PublicationPage
from publications.panels import TEMPLATE, extraction_panel_context


def rerun_extraction(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET asks for confirmation; POST (with CSRF) queues the PDF of the page's latest version for reading again."""
    page = get_object_or_404(PublicationPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    draft = page.get_latest_revision_as_object() if page.latest_revision_id else page
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if request.method == "POST":
        if not draft.pdf_id:
            messages.error(request, "This publication has no PDF to read.")
        else:
            services.request_extraction(draft.pdf_id, force=True)
            messages.success(
                request, f"The PDF of “{draft.title}” will be read again. Reload the page to see the result."
            )
        return redirect(edit_url)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return TemplateResponse(
        request,
        "publications/admin/rerun_extraction.html",
        {"page": draft, "document": draft.pdf if draft.pdf_id else None, "edit_url": edit_url},
    )


def extraction_panel(request: HttpRequest, page_id: int) -> HttpResponse:
    """The extraction panel alone, for the editor's script to refresh it while the PDF is being read."""
    page = get_object_or_404(PublicationPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    draft = page.get_latest_revision_as_object() if page.latest_revision_id else page
    response = TemplateResponse(request, TEMPLATE, extraction_panel_context(draft))
    response["Cache-Control"] = "no-store"
    return response
