"""Delete stopped alerts and alerts never confirmed in time (the periodic jobs run this daily)."""

from django.core.management.base import BaseCommand

from alerts import services


class Command(BaseCommand):
    help = (
        "Delete alert subscriptions that were unsubscribed, or not confirmed within ALERTS_CONFIRM_DAYS days. "
        "Nothing is kept about them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report how many would be deleted.")

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            count = services.expired_subscriptions().count()
            self.stdout.write(f"{count} alert subscription(s) would be deleted.")
            return
        self.stdout.write(f"{services.purge_subscriptions()} stopped or unconfirmed alert subscriptions deleted.")
