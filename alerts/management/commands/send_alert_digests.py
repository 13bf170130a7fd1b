"""Email every confirmed alert its digest for this period, once (the periodic jobs run this)."""

from django.core.management.base import BaseCommand

from alerts import services
from alerts.models import Frequency


class Command(BaseCommand):
    help = (
        "Send each confirmed alert the digest of its current period (today for daily alerts, this week for "
        "weekly ones) if it has not had it yet; alerts with nothing new get no email. Safe to run again or "
        "in two places at once: each digest is claimed in the database before it is sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency", choices=Frequency.values, default=None, help="Only alerts of this frequency."
        )

    def handle(self, *args, frequency: str | None, **options):
        report = services.send_due_digests(frequency=frequency)
        self.stdout.write(report.summary())
