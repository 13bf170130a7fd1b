"""A saved search that emails a digest of new publications and lectures, kept without an account.

Only what the digest needs is stored: the address, the search (a query string), how often, and the
moments that decide what is sent next. Rules live in alerts.services.
"""

from django.db import models


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Subscription(models.Model):
    """One address's alert on one search; unconfirmed until the signed link in its first email is followed."""

    email = models.EmailField(max_length=254)
    # The search as canonical query-string pairs (search.params.SearchParams.pairs): q and facets only.
    query = models.CharField(max_length=2000)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The period ("2026-12-06" or "2026-W49") whose digest has been claimed: one digest per period.
    last_period = models.CharField(max_length=10, blank=True)
    # Pages first published before this moment have been covered by an earlier digest (or predate the alert).
    covered_until = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "query"], name="alerts_one_alert_per_search")]
        indexes = [models.Index(fields=["confirmed_at", "frequency"], name="alerts_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} alert #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
