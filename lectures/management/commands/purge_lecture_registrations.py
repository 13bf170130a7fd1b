"""Delete registrants' personal data a set number of days after each lecture (counts are kept)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lectures import services


class Command(BaseCommand):
    help = (
        "Blank names, email addresses, organisations and accessibility needs of registrations for lectures "
        "that ended more than DAYS days ago (default: LECTURE_PERSONAL_DATA_RETENTION_DAYS). Status, role, "
        "country and check-in stay, so the lecture's counts do too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the retention period in days.")
        parser.add_argument("--dry-run", action="store_true", help="Only report how many would be anonymised.")

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        days = settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        due = services.registrations_to_anonymise(days=days).count()
        if dry_run:
            self.stdout.write(f"{due} registration(s) would be anonymised (lectures that ended over {days} days ago).")
            return
        with tqdm(total=due, desc="Anonymising", unit="registration", disable=due == 0, file=self.stderr) as bar:
            done = services.anonymise_past_registrations(days=days, progress=bar.update)
        self.stdout.write(f"Anonymised {done} registration(s) of lectures that ended over {days} days ago.")
