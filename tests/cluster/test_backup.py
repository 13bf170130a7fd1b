"""Backup and restore: an archive restored into an empty database, media folder and index brings
back every page, PDF, tag, registration and search hit; bad arguments get clear errors."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from search import indexing
from search.faceted import run_search
from search.params import SearchParams
from tests.cluster.test_workers import child_env, manage_shell
from tests.factories import search as factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
    pytest.mark.slow,
]

# What a person would look for after a restore, read the same way in this process and in the restored hub.
INVENTORY = """
import hashlib, json
from lectures.models import Registration
from publications.models import PublicationPage
from search.faceted import run_search
from search.params import SearchParams
from wagtail.documents.models import Document
pages = {
    p.title: [p.live, sorted(t.country.alpha2 for t in p.country_tags.all()),
              sorted(t.objective.number for t in p.gcm_tags.all())]
    for p in PublicationPage.objects.all()
}
pdfs = {d.title: hashlib.sha256(d.file.read()).hexdigest() for d in Document.objects.all()}
registrations = sorted((r.email, r.status) for r in Registration.objects.all())
hits = sorted(h.title for h in run_search(SearchParams(q="recruitment fees", page_size=20)).hits)
print("INVENTORY=" + json.dumps({"pages": pages, "pdfs": pdfs, "registrations": registrations, "hits": hits}))
"""


def inventory(env: dict) -> dict:
    done = manage_shell(env, INVENTORY)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.split("INVENTORY=", 1)[1])


@pytest.fixture
def empty_database():
    """A second, empty PostgreSQL database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_restore_into_an_empty_database_and_index_finds_everything_again(
    cluster, site_root, search_index, tmp_path, empty_database
):
    from lectures import services as lecture_services
    from tests.factories.lectures import details, lecture_index, make_lecture

    factories.publication(
        site_root,
        "Recruitment fees paid by Nepali workers",
        pages=["Introduction.", "Most migrant workers paid recruitment fees to agents."],
        countries=["NP"],
        gcm=[6],
    )
    factories.publication(site_root, "Fair recruitment in Qatar", countries=["QA"], gcm=[6])
    factories.publication(site_root, "Draft on recruitment fees", live=False)
    lecture = make_lecture(lecture_index(site_root), title="Recruitment fees: a public lecture")
    for _ in range(2):
        lecture_services.register(lecture.pk, details())
    indexing.refresh()
    assert len(run_search(SearchParams(q="recruitment fees")).hits) >= 2

    archive = tmp_path / "backup.tar"
    out = call_command_output("backup", str(archive))
    assert "Backup written to" in out
    source_env = child_env(tmp_path, ",".join(cluster.urls))
    before = inventory(source_env)
    assert before["pdfs"] and before["registrations"] and before["hits"]

    restored = tmp_path / "restored-media"
    target_env = {
        **source_env,
        "DATABASE_URL": source_env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + empty_database,
        "SALAM_CHILD_INDEX_NAME": f"{django_settings.SEARCH_INDEX_NAME}-restored",
        "SALAM_CHILD_MEDIA_ROOT": str(restored),
    }
    done = manage_shell(
        target_env, f"from django.core.management import call_command; call_command('restore', {str(archive)!r})"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    after = inventory(target_env)
    assert after == before
    assert "Draft on recruitment fees" not in after["hits"]  # the draft came back as a draft

    # Restoring again over the restored hub is refused without --force.
    again = manage_shell(
        target_env, f"from django.core.management import call_command; call_command('restore', {str(archive)!r})"
    )
    assert again.returncode != 0 and "The target is not empty" in again.stderr
    shutil.rmtree(
        django_settings.SEARCH_SNAPSHOT_DIR / f"{django_settings.SEARCH_INDEX_NAME}-restored", ignore_errors=True
    )
    shutil.rmtree(django_settings.SEARCH_SNAPSHOT_DIR / django_settings.SEARCH_INDEX_NAME, ignore_errors=True)


def call_command_output(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: tmp / "missing.tar", "No backup archive at"),
        (lambda tmp: _write(tmp / "notes.tar", b"just some notes"), "is not a backup archive"),
        (lambda tmp: _tar_without_manifest(tmp), "is not a SALAM backup"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(make, words, tmp_path):
    with pytest.raises(CommandError, match=words):
        call_command("restore", str(make(tmp_path)))


def test_restore_refuses_a_target_with_content_without_force(site_root, search_index, tmp_path):
    factories.publication(site_root, "Remittances and savings")
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match=r"The target is not empty \(the database has pages.*--force"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="already exists; choose another name or use --force"):
        call_command("backup", str(archive))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "no" / "such" / "folder.tar"))
    shutil.rmtree(django_settings.SEARCH_SNAPSHOT_DIR / django_settings.SEARCH_INDEX_NAME, ignore_errors=True)


def _write(path, content: bytes):
    path.write_bytes(content)
    return path


def _tar_without_manifest(tmp):
    import tarfile

    (tmp / "readme.txt").write_text(hashlib.sha256(b"x").hexdigest())
    with tarfile.open(tmp / "other.tar", "w") as archive:
        archive.add(tmp / "readme.txt", arcname="readme.txt")
    return tmp / "other.tar"
