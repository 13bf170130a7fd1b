"""What publications hands the hub's operations (from PublicationsConfig.ready()): its periodic job and demo content."""

from __future__ import annotations

from wagtail.models import Page

from publications import services
from salam.demo import register_demo_loader
from salam.periodic import EVERY_RUN, PeriodicJob, register_job


def sweep_stuck_extractions() -> str:
    """Queue again PDF extractions whose worker died or whose task was lost."""
    return f"{services.sweep_stuck_extractions()}."


JOBS = (
    PeriodicJob(
        "sweep_stuck_extractions",
        "Queue again PDF extractions whose worker died or whose task was lost; fail them after 3 tries.",
        EVERY_RUN,
        sweep_stuck_extractions,
    ),
)


def create_demo(home: Page, *, stdout=None) -> list[Page]:
    """The demo publications (publications.demo, imported only when `manage.py load_demo` runs: it is large)."""
    from publications import demo

    return demo.create_demo(home, stdout=stdout)


def register() -> None:
    """Add the publications' periodic job and demo content to the hub's."""
    for job in JOBS:
        register_job(job)
    register_demo_loader("publications", create_demo)
