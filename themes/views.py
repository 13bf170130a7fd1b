"""Public landing pages of the taxonomy: each country, theme and GCM objective with its evidence.

Counts and the latest results come from the source registered in themes.landing (the search index,
search.landing); when it cannot answer the page still shows the description and links, and says
the figures are unavailable.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from themes import landing
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


def _landing(request: HttpRequest, context: dict) -> HttpResponse:
    try:
        context["summary"] = landing.figures(context["facet"], str(context["value"]))
    except landing.FiguresUnavailable as error:
        context["summary"] = None
        context["unavailable"] = error.message
    return render(request, "themes/landing.html", context)


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A theme: what it covers, how much evidence there is, and the latest."""
    theme = get_object_or_404(Theme, slug=slug)
    return _landing(
        request,
        {"term": theme, "heading": theme.name, "facet": "theme", "value": theme.slug, "description": theme.description},
    )


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A country: publications and lectures about it."""
    if len(code) != 2:
        raise Http404("Country codes have two letters.")
    country = get_object_or_404(Country, alpha2=code.upper())
    roles = []
    if country.colombo_process_member:
        roles.append("a Colombo Process member state (a country of origin)")
    if country.main_destination:
        roles.append("a main country of destination for workers from the region")
    description = f"{country.name} is {' and '.join(roles)}." if roles else ""
    return _landing(
        request,
        {
            "term": country,
            "heading": country.name,
            "subheading": f"ISO 3166 code {country.alpha2}",
            "facet": "country",
            "value": country.alpha2,
            "description": description,
        },
    )


def gcm_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One of the 23 objectives of the Global Compact for Migration."""
    objective = get_object_or_404(GCMObjective, number=number)
    return _landing(
        request,
        {
            "term": objective,
            "heading": f"GCM Objective {objective.number}",
            "subheading": objective.title,
            "facet": "gcm",
            "value": objective.number,
            "description": objective.description,
        },
    )
