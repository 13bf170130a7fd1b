"""The OAI-PMH ledger: when each publication last changed for harvesters, and tombstones for those withdrawn."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OaiRecord(models.Model):
    """One publication harvesters have seen; kept after it is unpublished, made private or deleted.

    The page id is a plain integer, not a foreign key, because the row must outlive the page: the
    repository promises persistent deletions, so a deleted page is reported as a deleted record.
    """

    page_id = models.PositiveBigIntegerField(unique=True)
    datestamp = models.DateTimeField(default=timezone.now, help_text="When harvesters last saw it change.")
    deleted = models.BooleanField(default=False)
    # " type:report country:NP gcm:6 ": the sets it was in when last public, space-delimited so that a
    # deleted record can be selected by set with a plain LIKE on every database.
    set_specs = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "OAI-PMH record"
        indexes = [models.Index(fields=["deleted", "page_id"], name="repository_oai_deleted")]

    def __str__(self) -> str:
        return f"publication {self.page_id}{' (deleted)' if self.deleted else ''}"
