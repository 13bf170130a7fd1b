"""{% publication_cover %}: a publication's cover thumbnail, or the designed placeholder."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from publications.covers import PLACEHOLDER, cover_alt

register = template.Library()

# Width and height of each size (an A4 page's proportions), so the layout does not jump while loading.
SIZES = {"small": (72, 102), "medium": (120, 170), "large": (200, 283)}


@register.simple_tag
def publication_cover(page_id, title: str, has_pdf: bool = True, size: str = "small") -> str:
    """An <img> of the cover (served by publications.covers.cover_view) or, without a PDF, the placeholder.

    The cover URL itself falls back to the placeholder when the PDF could not be drawn or the visitor
    may not see it, so lists need no database look-up per item.
    """
    width, height = SIZES.get(size, SIZES["small"])
    if not has_pdf:
        # Decorative: the title beside it says everything the placeholder could.
        return format_html(
            '<img class="cover cover--{} cover--placeholder" src="{}" alt="" width="{}" height="{}">',
            size,
            static(PLACEHOLDER),
            width,
            height,
        )
    # The large cover sits at the top of a publication's page: no lazy loading there.
    loading = "eager" if size == "large" else "lazy"
    return format_html(
        '<img class="cover cover--{}" src="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async">',
        size,
        reverse("publications:cover", args=[page_id]),
        cover_alt(title),
        width,
        height,
        loading,
    )
