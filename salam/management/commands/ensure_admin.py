"""Create (or keep) the local admin account and print how to sign in.

The password is generated, never fixed: it is stored in var/admin-password.txt (mode 600) so
that re-running `make run` can print it again; delete the file to get a new one.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the local admin account with a generated password and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@salam-hub.example")

    def handle(self, *args, username: str, email: str, **options):
        if not username.strip() or len(username) > 150:
            raise CommandError("--username must be between 1 and 150 characters.")
        password_file = Path(settings.VAR_DIR) / "admin-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = password_file.read_text().strip() if password_file.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(username=username, email=email, password=password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in at {settings.WAGTAILADMIN_BASE_URL}/admin/ as '{username}' with password: {password}"
            )
        )
