"""The admin's search index for the snippets editors look up: taxonomy, authors, speakers, partners.

The admin's list and chooser searches run on Wagtail's database backend, which reads its own index
table. A row saved through its model is indexed by Wagtail (a post_save signal queues the task);
rows that migrations create or change through historical models are not, so the seeded taxonomy
was never found ("Sorry, no snippets match 'Nepal'"). After every ``migrate`` the models below
are brought into the index: every row of the small vocabularies (data migrations edit them), and
the rows of the others that are missing from it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

logger = logging.getLogger(__name__)

#: (app label, model name, whether every row is re-indexed rather than only the missing ones)
ADMIN_SEARCHED_MODELS: list[tuple[str, str, bool]] = [
    ("themes", "Country", True),
    ("themes", "Theme", True),
    ("themes", "GCMObjective", True),
    ("salam", "PartnerInstitute", True),
    ("publications", "Author", False),
    ("lectures", "Speaker", False),
]
CHUNK_SIZE = 500


def index_admin_search(*, missing_only: bool = False) -> dict[str, int]:
    """Put the admin-searched snippets into every Wagtail search backend; returns rows indexed per model."""
    backends = list(get_search_backends(with_auto_update=True))
    counts: dict[str, int] = {}
    for app_label, model_name, everything in ADMIN_SEARCHED_MODELS:
        model = apps.get_model(app_label, model_name)
        rows = model.get_indexed_objects().order_by("pk")
        if missing_only or not everything:
            content_type = ContentType.objects.get_for_model(model)
            indexed = set(IndexEntry.objects.filter(content_type=content_type).values_list("object_id", flat=True))
            rows = [row for row in rows.iterator(chunk_size=CHUNK_SIZE) if str(row.pk) not in indexed]
        else:
            rows = list(rows)
        for start in range(0, len(rows), CHUNK_SIZE):
            for backend in backends:
                backend.add_bulk(model, rows[start : start + CHUNK_SIZE])
        counts[model._meta.label] = len(rows)
    return counts


def _schema_is_current(using: str) -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def index_after_migrate(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver: index the snippets once the schema is complete."""
    # `flush` sends post_migrate too (without a plan); it leaves nothing to index.
    if "plan" not in kwargs or using != DEFAULT_DB_ALIAS:
        return
    if not _schema_is_current(using):
        logger.info("Admin search index not updated: migrations are still unapplied")
        return
    try:
        with transaction.atomic(using=using):
            counts = index_admin_search()
    except DatabaseError:
        # The migrations themselves succeeded; a stale admin search must not fail a deployment.
        logger.exception("Could not update the admin search index; run `manage.py update_index`")
        return
    logger.info("Admin search index updated: %s", ", ".join(f"{label} {count}" for label, count in counts.items()))
