"""Durable state of the public search: the index outbox and small bookkeeping values."""

from django.db import models


class IndexOutbox(models.Model):
    """One pending index operation, written in the same transaction as the change that caused it.

    The worker replays rows in bulk and deletes them once Elasticsearch has acknowledged them; while
    Elasticsearch is down the rows stay, with the error and the number of attempts, so nothing is
    lost and everything catches up when the server returns. "index" means "make the index agree
    with the page as it is now" (a page that is no longer public is removed); "delete" is for pages
    that no longer exist.
    """

    class Action(models.TextChoices):
        INDEX = "index", "Index"
        DELETE = "delete", "Delete"

    # Not a foreign key: the row must outlive a deleted page to remove it from the index.
    page_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "index outbox row"

    def __str__(self) -> str:
        return f"{self.action} page {self.page_id} (attempts: {self.attempts})"


class SearchState(models.Model):
    """A named value the search app remembers between runs (e.g. the last embargo sweep)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key}={self.value!r}"


class IndexVersion(models.Model):
    """The counter every index write takes its external version from (one row).

    Versions come from the database, not from each worker's clock: a worker whose clock ran fast
    would otherwise write a stale document with a version no later write could beat. The counter
    starts at the clock's microseconds on the day it was created, above every clock-made version
    already in an index, and goes up by one per read of the database that is then written.
    """

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)
