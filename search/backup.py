"""The search index's part of a backup (salam.backup): an Elasticsearch snapshot in a filesystem repository.

The snapshot is written to SEARCH_SNAPSHOT_DIR/<index name>, which must lie inside every node's
``path.repo`` (scripts/elasticsearch sets it); that folder is copied into the archive, so a restore
elsewhere copies it back before restoring. The index comes back under a new name behind the alias.
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

from django.conf import settings

from salam.backup import BackupError, BackupPart
from search import documents, indexing

REPOSITORY = "salam-backup"
SNAPSHOT_TIMEOUT_S = 300


def snapshot_dir() -> Path:
    """The repository folder: one per index name, so several hubs (or test runs) share one path.repo."""
    return Path(settings.SEARCH_SNAPSHOT_DIR) / settings.SEARCH_INDEX_NAME


def _client():
    return documents.get_client().options(request_timeout=SNAPSHOT_TIMEOUT_S)


def _register(client, location: Path) -> None:
    client.snapshot.create_repository(
        name=REPOSITORY, repository={"type": "fs", "settings": {"location": str(location)}}
    )


def create(folder: Path) -> dict | None:
    """Snapshot the index behind the alias and copy the repository into ``folder``; None without an index."""
    client = _client()
    try:
        live = indexing.indices_with_alias(client, documents.alias_name())
        if not live:
            return None
        location = snapshot_dir()
        _register(client, location)
        name = f"backup-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"
        response = client.snapshot.create(
            repository=REPOSITORY, snapshot=name, indices=live[0], include_global_state=False, wait_for_completion=True
        )
    except indexing.ELASTICSEARCH_ERRORS as exc:
        raise BackupError(f"The search index could not be snapshotted: {exc.__class__.__name__}: {exc}"[:500]) from exc
    if response["snapshot"]["state"] != "SUCCESS":
        raise BackupError(f"The Elasticsearch snapshot did not succeed: {response['snapshot']['state']}.")
    shutil.copytree(location, folder, dirs_exist_ok=True)
    return {"snapshot": name, "index": live[0], "alias": documents.alias_name()}


def restore(folder: Path, entry: dict) -> str:
    """Restore the snapshot's index under a new name and point this hub's alias at it."""
    location = snapshot_dir()
    if not (location / "index.latest").exists():
        shutil.copytree(folder, location, dirs_exist_ok=True)
        # The repository must stay the Elasticsearch user's, who owns path.repo.
        owner = location.parent.stat()
        for path in [location, *location.rglob("*")]:
            os.chown(path, owner.st_uid, owner.st_gid)
    client = _client()
    name = documents.new_index_name()
    try:
        _register(client, location)
        client.snapshot.restore(
            repository=REPOSITORY,
            snapshot=entry["snapshot"],
            indices=entry["index"],
            rename_pattern=".+",
            rename_replacement=name,
            include_aliases=False,
            include_global_state=False,
            wait_for_completion=True,
        )
        indexing.swap_alias(client, name)
        client.indices.refresh(index=name)
    except indexing.ELASTICSEARCH_ERRORS as exc:
        raise BackupError(f"The search index could not be restored: {exc.__class__.__name__}: {exc}"[:500]) from exc
    return f"search index {name}"


def contents() -> list[str]:
    """The search index, when the alias already points somewhere."""
    try:
        if indexing.indices_with_alias(documents.get_client(), documents.alias_name()):
            return [f"the search index {documents.alias_name()!r} exists"]
    except indexing.ELASTICSEARCH_ERRORS as exc:
        raise BackupError(f"Elasticsearch is not available ({exc.__class__.__name__}).") from exc
    return []


PART = BackupPart(name="snapshot", create=create, restore=restore, contents=contents)
