"""Public landing pages of the taxonomy."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from themes.models import Country, GCMObjective, Theme


def taxonomy_index(request: HttpRequest) -> HttpResponse:
    """All themes, GCM objectives and countries, each linking to its landing page."""
    return render(
        request,
        "themes/taxonomy_index.html",
        {
            "themes": Theme.objects.all(),
            "objectives": GCMObjective.objects.all(),
            "origin_countries": Country.objects.filter(colombo_process_member=True),
            "destination_countries": Country.objects.filter(main_destination=True),
        },
    )


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    return render(
        request,
        "themes/landing.html",
        {"term": theme, "heading": theme.name, "facet": "theme", "value": theme.slug, "description": theme.description},
    )


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if len(code) != 2:
        raise Http404("Country codes have two letters.")
    country = get_object_or_404(Country, alpha2=code.upper())
    return render(
        request,
        "themes/landing.html",
        {"term": country, "heading": country.name, "facet": "country", "value": country.alpha2, "description": ""},
    )


def gcm_detail(request: HttpRequest, number: int) -> HttpResponse:
    objective = get_object_or_404(GCMObjective, number=number)
    return render(
        request,
        "themes/landing.html",
        {
            "term": objective,
            "heading": f"GCM Objective {objective.number}",
            "subheading": objective.title,
            "facet": "gcm",
            "value": objective.number,
            "description": objective.description,
        },
    )
