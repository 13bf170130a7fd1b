"""Public endpoints of the publications app: citation downloads. Admin views live in admin_views."""

import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from publications import citations
from publications.exceptions import CitationUnavailable
from publications.models import PublicationPage
from publications.presentation import is_citable

FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", citations.to_bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", citations.to_ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", citations.to_csl),
}


def _citable_page(page_id: int) -> PublicationPage:
    page = PublicationPage.objects.live().public().filter(pk=page_id).first()
    if page is None or not is_citable(page):
        raise Http404(str(CitationUnavailable()))
    return page


@require_GET
def cite(request: HttpRequest, page_id: int, fmt: str) -> HttpResponse:
    """The citation of a live, public publication as BibTeX, RIS or CSL-JSON, offered as a download."""
    content_type, render = FORMATS[fmt]
    page = _citable_page(page_id)
    document = page.pdf if page.pdf_id and page.full_text_is_public() else None
    links = citations.CitationLinks(
        page_url=request.build_absolute_uri(page.get_url(request)),
        pdf_url=request.build_absolute_uri(document.url) if document else "",
    )
    body = render(page, links)
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citations.citation_key(page)}.{fmt}"'
    return response


@require_GET
def pdf(request: HttpRequest, page_id: int) -> HttpResponseRedirect:
    """The PDF of a live, public publication whose full text is public (search results link here with ``#page=N``).

    A redirect, so a result can link to a page of the PDF without the index holding document
    URLs; browsers keep the ``#page=`` fragment across it.
    """
    page = PublicationPage.objects.live().public().filter(pk=page_id).select_related("pdf").first()
    if page is None or not page.pdf_id or not page.full_text_is_public():
        raise Http404("This publication has no PDF that can be read yet.")
    return HttpResponseRedirect(page.pdf.url)
