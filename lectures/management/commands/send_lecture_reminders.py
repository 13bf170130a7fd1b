"""Send the reminder emails that are due (run it hourly from cron or the worker host)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lectures import services


class Command(BaseCommand):
    help = "Email confirmed registrants of lectures starting within the next HOURS hours (each person once)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="How far ahead to look (default 24, at most 168).")

    def handle(self, *args, hours: int, **options):
        if not 1 <= hours <= 168:
            raise CommandError("--hours must be between 1 and 168.")
        due = services.due_reminders(hours=hours).count()
        with tqdm(total=due, desc="Reminders", unit="email", disable=due == 0, file=self.stderr) as bar:
            sent = services.send_due_reminders(hours=hours, progress=bar.update)
        self.stdout.write(f"Sent {sent} reminder(s) ({due} were due).")
