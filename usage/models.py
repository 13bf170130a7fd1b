"""Usage counted the COUNTER way: per day, per publication, per kind; no address or cookie is kept.

``UsageVisit`` holds, for the current day only, one row per (visitor, publication, kind) under a
visitor key that is a hash salted with that day's ``UsageSalt``. When the day is over its rows are
rolled up into ``DailyUsage`` (totals and unique visitors) and deleted together with the salt, so
nothing links two days' visitors or a visitor to an address.
"""

from django.db import models


class UsageKind(models.TextChoices):
    VIEW = "view", "Page view"
    DOWNLOAD = "download", "PDF download"


class UsageSalt(models.Model):
    """The random salt of one day's visitor keys; deleted with that day's visits once the day is over."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"salt of {self.day}"


class UsageVisit(models.Model):
    """One visitor's requests for one publication on one day (double clicks within 30 s already merged)."""

    day = models.DateField()
    visitor = models.CharField(max_length=64, help_text="SHA-256 of the day's salt, address and user agent.")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    kind = models.CharField(max_length=10, choices=UsageKind.choices)
    requests = models.PositiveIntegerField(default=1)
    last_ms = models.BigIntegerField(help_text="When the last request counted or merged arrived (Unix ms).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "visitor", "page", "kind"], name="usage_visit_one_row_per_visitor")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of page {self.page_id} on {self.day}: {self.requests}"


class DailyUsage(models.Model):
    """A publication's requests of one kind on one day: total (COUNTER Total_Item_Requests) and visitors."""

    day = models.DateField()
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    kind = models.CharField(max_length=10, choices=UsageKind.choices)
    total = models.PositiveIntegerField(default=0, help_text="Requests, double clicks merged.")
    visitors = models.PositiveIntegerField(default=0, help_text="Unique visitors (COUNTER Unique_Item_Requests).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "page", "kind"], name="usage_daily_one_row")]
        indexes = [models.Index(fields=["page", "day"])]

    def __str__(self) -> str:
        return f"{self.kind} of page {self.page_id} on {self.day}: {self.total} ({self.visitors} unique)"
