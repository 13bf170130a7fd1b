"""Where usage is recorded (publication pages served, documents served) and the editors' dashboard panel."""

from __future__ import annotations

from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from publications.models import PublicationPage
from usage import figures as usage_figures
from usage import recorder
from usage.models import UsageKind


@hooks.register("before_serve_page")
def record_publication_view(page, request, serve_args, serve_kwargs):
    """Queue a view of a publication page; whether it counts (public, live, not a robot) is decided later."""
    if isinstance(page, PublicationPage):
        recorder.record(request, UsageKind.VIEW, page.pk)


@hooks.register("before_serve_document")
def record_document_download(document, request):
    """Queue a download; documents no public reader may have are dropped when the queue is counted."""
    # A PDF reader fetching the rest of a file in ranges is one download, counted at its first byte.
    ranges = request.headers.get("Range", "")
    if not ranges or ranges.replace(" ", "").startswith("bytes=0-"):
        recorder.record(request, UsageKind.DOWNLOAD, document.pk)


class ImpactPanel(Component):
    """The centre's figures on the admin dashboard: the tables of the public impact page."""

    name = "impact"
    order = 300
    template_name = "usage/admin_panel.html"

    def get_context_data(self, parent_context=None):
        return {"figures": usage_figures.centre_figures(), "today": timezone.localdate()}


@hooks.register("construct_homepage_panels")
def add_impact_panel(request, panels):
    panels.append(ImpactPanel())
