"""Backing up and restoring the hub: the database, the media files, and the parts apps register.

One tar archive holds ``manifest.json``, the database (``pg_dump`` custom format, or the SQLite
file), ``media/`` and one folder per registered part: the search app registers ``snapshot/`` (its
index, see search.backup), so this module never imports it. A restore refuses a target that
already holds content unless forced. Used by `manage.py backup` / `restore`.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

FORMAT = "salam-backup"
VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class RestoreReport:
    """What a restore brought back (``parts``: each registered part's one-line summary)."""

    database: str
    media_files: int
    parts: dict[str, str]


@dataclass(frozen=True)
class BackupPart:
    """Something an app keeps outside the database and media that a backup must carry.

    ``create(folder)`` fills the folder and returns the manifest entry (None: nothing to back up);
    ``restore(folder, entry)`` brings it back and returns a summary; ``contents()`` names what the
    restore target already holds (empty when it holds nothing).
    """

    name: str
    create: Callable[[Path], dict | None]
    restore: Callable[[Path, dict], str]
    contents: Callable[[], list[str]]


_parts: dict[str, BackupPart] = {}


def register_backup_part(part: BackupPart) -> None:
    """Add a part to every backup and restore (called from an app's ``ready()``)."""
    _parts[part.name] = part


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432), "-U", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-1000:]}")


def create_backup(output: Path) -> dict:
    """Write the database, the media and a snapshot of the search index into one tar archive."""
    with tempfile.TemporaryDirectory(prefix="salam-backup-") as tmp:
        work = Path(tmp)
        manifest: dict = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
        }
        if connection.vendor == "postgresql":
            env, args = _pg_env_and_args()
            _run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "-f",
                    str(work / "database.dump"),
                    connection.settings_dict["NAME"],
                ],
                env,
            )
            manifest["database"] = "postgresql"
        elif connection.vendor == "sqlite":
            # The SQLite backup API copies a consistent state even while the hub writes.
            with (
                sqlite3.connect(connection.settings_dict["NAME"]) as source,
                sqlite3.connect(work / "database.sqlite3") as target,
            ):
                source.backup(target)
            manifest["database"] = "sqlite"
        else:
            raise BackupError(f"Backing up a {connection.vendor} database is not supported.")
        manifest["parts"] = {}
        for part in _parts.values():
            (work / part.name).mkdir()
            manifest["parts"][part.name] = part.create(work / part.name)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(output, "w") as archive:
            for name in ("manifest.json", "database.dump", "database.sqlite3", *_parts):
                if (work / name).exists():
                    archive.add(work / name, arcname=name)
            if Path(settings.MEDIA_ROOT).is_dir():
                archive.add(settings.MEDIA_ROOT, arcname="media")
    logger.info("backup written to %s", output)
    return manifest


def read_manifest(archive_path: Path) -> dict:
    """The archive's manifest, or a BackupError saying why this is not a SALAM backup."""
    if not archive_path.is_file():
        raise BackupError(f"No backup archive at {archive_path}.")
    if not tarfile.is_tarfile(archive_path):
        raise BackupError(f"{archive_path} is not a backup archive (not a tar file made by `manage.py backup`).")
    with tarfile.open(archive_path) as archive:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except (KeyError, ValueError, TypeError) as exc:
            raise BackupError(f"{archive_path} is not a SALAM backup (no readable manifest.json).") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{archive_path} is not a SALAM backup of a version this hub can restore.")
    return manifest


def target_contents() -> list[str]:
    """What the restore target already holds (empty: safe to restore without --force)."""
    found = []
    if "wagtailcore_page" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM wagtailcore_page WHERE depth > 2")
            if cursor.fetchone()[0]:
                found.append("the database has pages")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        found.append(f"{media} has files")
    for part in _parts.values():
        found.extend(part.contents())
    return found


def restore_backup(archive_path: Path, *, force: bool = False) -> RestoreReport:
    """Restore the database, media and search index from an archive made by create_backup."""
    manifest = read_manifest(archive_path)
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This backup holds a {manifest['database']} database; the hub runs on {connection.vendor}.")
    existing = target_contents()
    if existing and not force:
        raise BackupError(f"The target is not empty ({'; '.join(existing)}). Restore with --force to replace it.")
    with tempfile.TemporaryDirectory(prefix="salam-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive_path) as archive:
            archive.extractall(work, filter="data")
        _restore_database(work, manifest)
        media_files = _restore_media(work)
        parts = {
            name: _parts[name].restore(work / name, entry)
            for name, entry in manifest.get("parts", {}).items()
            if entry and name in _parts
        }
    return RestoreReport(database=manifest["database"], media_files=media_files, parts=parts)


def _restore_database(work: Path, manifest: dict) -> None:
    if manifest["database"] == "postgresql":
        env, args = _pg_env_and_args()
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "-d",
                connection.settings_dict["NAME"],
                str(work / "database.dump"),
            ],
            env,
        )
    else:
        connection.close()
        shutil.copyfile(work / "database.sqlite3", connection.settings_dict["NAME"])


def _restore_media(work: Path) -> int:
    source, media = work / "media", Path(settings.MEDIA_ROOT)
    if not source.is_dir():
        return 0
    shutil.copytree(source, media, dirs_exist_ok=True)
    return sum(1 for path in source.rglob("*") if path.is_file())
