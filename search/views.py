"""The public search page (the faceted search is built by the Search issue)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def search_page(request: HttpRequest) -> HttpResponse:
    return render(request, "search/search_page.html", {"query": request.GET.get("q", "")})
