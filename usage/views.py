"""The public impact pages (the centre, an author, a publication) and their CSV exports."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from publications.models import Author
from salam.charts import Chart, Series, bar_chart
from salam.numbers import parse_int
from usage import figures as usage_figures

MONTHS_MESSAGE = f"“months” must be a whole number from 1 to {usage_figures.MAX_MONTHS}."


def _months(request: HttpRequest) -> tuple[int, str]:
    """The months asked for (default 12) and, when the parameter was not usable, why."""
    raw = request.GET.get("months")
    if raw is None or raw == "":
        return usage_figures.DEFAULT_MONTHS, ""
    months = parse_int(raw, low=1, high=usage_figures.MAX_MONTHS)
    if months is None:
        return usage_figures.DEFAULT_MONTHS, MONTHS_MESSAGE
    return months, ""


def _public_author(author_id: int) -> Author:
    """An author with at least one public publication (others are not revealed, even as a 404's wording)."""
    author = Author.objects.filter(pk=author_id).first()
    if author is None or not usage_figures.public_publications().filter(publication_authors__author=author).exists():
        raise Http404("No such author.")
    return author


def _public_publication(page_id: int):
    page = usage_figures.public_publications().filter(pk=page_id).first()
    if page is None:
        raise Http404("No such publication.")
    return page


def impact_charts(figures: usage_figures.Figures) -> list[Chart]:
    """The pictures of the impact pages: use per month (views, downloads) and publications per year by type."""
    months = [(m.month.isoformat(), m.month.strftime("%b %Y")) for m in figures.usage]
    charts = [
        bar_chart(
            f"{title} per month",
            months,
            [Series(key, title)],
            {(m.month.isoformat(), key): getattr(m, key) for m in figures.usage},
            category_title="Month",
            value_title=title,
            chart_id=f"impact-{key}",
        )
        for key, title in (("views", "Views"), ("downloads", "Downloads"))
    ]
    if figures.by_year:
        types = [
            (value, label)
            for i, (value, label) in enumerate(figures.types)
            if any(r.by_type[i] for r in figures.by_year)
        ]
        index = {value: i for i, (value, _label) in enumerate(figures.types)}
        charts.append(
            bar_chart(
                "Publications per year, by type",
                [(str(row.year), str(row.year)) for row in figures.by_year],
                [Series(value, label) for value, label in types],
                {(str(row.year), value): row.by_type[index[value]] for row in figures.by_year for value, _ in types},
                category_title="Year",
                value_title="Publications",
                chart_id="impact-years",
            )
        )
    return charts


def _page(request: HttpRequest, figures: usage_figures.Figures, csv_url: str, heading: str) -> HttpResponse:
    months, problem = _months(request)
    context = {"figures": figures, "csv_url": csv_url, "heading": heading, "problem": problem, "months": months}
    return render(request, "usage/impact.html", context | {"charts": impact_charts(figures)})


def _csv(request: HttpRequest, figures_for, filename: str) -> HttpResponse:
    months, problem = _months(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(usage_figures.csv_rows(figures_for(months)))
    return response


def impact(request: HttpRequest) -> HttpResponse:
    """The centre's impact: publications, usage, lectures, coverage and top publications."""
    months, _ = _months(request)
    figures = usage_figures.centre_figures(months)
    return _page(request, figures, reverse("usage:impact_csv"), "Our impact")


def impact_csv(request: HttpRequest) -> HttpResponse:
    """The centre's figures as CSV."""
    return _csv(request, lambda months: usage_figures.centre_figures(months), "salam-impact.csv")


def author_impact(request: HttpRequest, author_id: int) -> HttpResponse:
    """One author's figures."""
    author = _public_author(author_id)
    months, _ = _months(request)
    figures = usage_figures.author_figures(author, months)
    return _page(request, figures, reverse("usage:author_csv", args=[author.pk]), f"Figures for {author.name}")


def author_csv(request: HttpRequest, author_id: int) -> HttpResponse:
    """One author's figures as CSV."""
    author = _public_author(author_id)
    return _csv(request, lambda months: usage_figures.author_figures(author, months), f"author-{author.pk}.csv")


def publication_impact(request: HttpRequest, page_id: int) -> HttpResponse:
    """One publication's figures."""
    page = _public_publication(page_id)
    months, _ = _months(request)
    figures = usage_figures.publication_figures(page, months)
    return _page(request, figures, reverse("usage:publication_csv", args=[page.pk]), f"Figures for “{page.title}”")


def publication_csv(request: HttpRequest, page_id: int) -> HttpResponse:
    """One publication's figures as CSV."""
    page = _public_publication(page_id)
    return _csv(request, lambda months: usage_figures.publication_figures(page, months), f"publication-{page.pk}.csv")
