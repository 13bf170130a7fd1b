"""Several workers at once on PostgreSQL, and workers killed: every task runs exactly once, none is lost.

Real processes: three `manage.py db_worker` on the test database, the tasks enqueued by another
process, indexing against the cluster. A worker killed with SIGKILL leaves its task "running";
salam.workers requeues it (the periodic job requeue_lost_tasks), and one of the others runs it.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from salam import workers
from search import documents, indexing
from search.models import IndexOutbox
from tests.cluster.conftest import ROOT
from tests.factories import search as factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
    ),
]

REGISTRATIONS = 6
PUBLICATIONS = 3
HOLD_S = 30  # long enough to be killed in; the retry is cut short below


def child_env(tmp_path: Path, on_cluster_urls: str) -> dict:
    """The environment of a hub process working on this test's database, index and media."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    (tmp_path / "mail").mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.cluster.child_settings",
        "DATABASE_URL": url,
        "ELASTICSEARCH_URL": on_cluster_urls,
        "SEARCH_INDEX_REPLICAS": "1",
        "SALAM_CHILD_INDEX_NAME": django_settings.SEARCH_INDEX_NAME,
        "SALAM_CHILD_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "SALAM_CHILD_EMAIL_DIR": str(tmp_path / "mail"),
        "LOG_LEVEL": "WARNING",
    }


def manage_shell(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """`db_worker` named "<host>:<pid>", as scripts/worker names them."""
    return subprocess.Popen(
        [
            "bash",
            "-c",
            'exec "$0" manage.py db_worker --queue-name default,extraction --interval 0.1 --no-startup-delay '
            '--worker-id "$(hostname):$$"',
            sys.executable,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


ENQUEUE = """
import json, os
from lectures.tasks import send_registration_email
from publications.tasks import extract_document_pdf
from search.tasks import process_outbox
from tests.cluster.tasks import hold
from themes.services.queue import tag_page
work = json.loads(os.environ["SALAM_WORK"])
hold.enqueue(work["hold"])
for pk in work["registrations"]:
    send_registration_email.enqueue(pk, "confirmation")
for pk in work["documents"]:
    extract_document_pdf.enqueue(pk, force=True)
for pk in work["pages"]:
    tag_page.enqueue(pk)
for _ in range(3):
    process_outbox.enqueue()
"""


def test_three_workers_drain_the_queue_once_and_a_killed_workers_task_is_run_again(
    cluster, site_root, search_index, tmp_path, monkeypatch
):
    from lectures import services as lecture_services
    from tests.factories.lectures import details, lecture_index, make_lecture

    # The outbox rows stay for the workers' process_outbox tasks instead of being replayed here.
    monkeypatch.setattr("search.tasks._enqueue_replay", lambda: None)
    lecture = make_lecture(lecture_index(site_root))
    registrations = [lecture_services.register(lecture.pk, details()).registration.pk for _ in range(REGISTRATIONS)]
    pages = [
        factories.publication(site_root, f"Skills recognition study {n}", pages=["Skills."])
        for n in range(PUBLICATIONS)
    ]
    documents_ids = [p.pdf_id for p in pages]
    assert IndexOutbox.objects.exists()
    DBTaskResult.objects.all().delete()
    env = child_env(tmp_path, ",".join(cluster.urls))
    work = {"hold": HOLD_S, "registrations": registrations, "documents": documents_ids, "pages": [p.pk for p in pages]}
    done = manage_shell({**env, "SALAM_WORK": json.dumps(work)}, ENQUEUE)
    assert done.returncode == 0, done.stderr[-3000:]
    total = 1 + REGISTRATIONS + 2 * PUBLICATIONS + 3
    assert DBTaskResult.objects.count() == total

    processes = [start_worker(env, tmp_path / f"worker-{n}.log") for n in range(3)]
    try:
        held = wait_for(
            lambda: DBTaskResult.objects.filter(task_path__endswith=".hold", status="RUNNING").first(), 60, "hold"
        )
        victim_id = held.worker_ids[-1]
        victim = next(p for p in processes if victim_id == f"{socket.gethostname()}:{p.pid}")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        # The other two drain everything else meanwhile; the held task stays "running" for ever.
        wait_for(lambda: DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count() == 1, 180, "the rest")
        assert workers.worker_alive(victim_id) is False
        # Shorten the retry: the same task, told to hold for no time, is what a survivor runs again.
        DBTaskResult.objects.filter(pk=held.pk).update(args_kwargs={"args": [0], "kwargs": {}})
        report = workers.requeue_lost_tasks()
        assert (report.requeued, report.failed) == (1, 0)
        wait_for(lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(), 60, "the retry")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)

    results = list(DBTaskResult.objects.all())
    assert {r.status for r in results} == {"SUCCESSFUL"}, [(r.task_path, r.status, r.traceback[-300:]) for r in results]
    retried = next(r for r in results if r.pk == held.pk)
    assert retried.worker_ids[0] == victim_id and len(retried.worker_ids) == 2 and retried.worker_ids[1] != victim_id
    assert all(len(r.worker_ids) == 1 for r in results if r.pk != held.pk)  # each ran exactly once
    assert len({r.worker_ids[-1] for r in results}) >= 2  # shared out between workers
    mails = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert mails.count("\nSubject: ") + mails.startswith("Subject: ") == REGISTRATIONS
    assert not IndexOutbox.objects.exists()
    indexing.refresh(cluster.client())
    hits = cluster.client().search(index=documents.alias_name(), query={"match_all": {}})["hits"]["hits"]
    assert {int(h["_id"]) for h in hits} == {lecture.pk, *(p.pk for p in pages)}


WRITE_THEN_DIE = """
import os, signal
from search import indexing
original = indexing.bulk_write
def write_then_die(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # written to Elasticsearch; the outbox rows not yet deleted
indexing.bulk_write = write_then_die
indexing.replay_outbox()
"""


def test_a_worker_killed_between_the_index_write_and_the_outbox_update(
    cluster, es_client, site_root, search_index, tmp_path, monkeypatch
):
    """The replay is done again from the rows left behind: idempotent, and no version goes backwards."""
    monkeypatch.setattr("search.tasks._enqueue_replay", lambda: None)  # the rows wait for the doomed worker
    pages = [factories.publication(site_root, f"Bilateral labour agreement {n}") for n in range(4)]
    rows = set(IndexOutbox.objects.values_list("id", flat=True))
    assert rows
    done = manage_shell(child_env(tmp_path, ",".join(cluster.urls)), WRITE_THEN_DIE)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert set(IndexOutbox.objects.values_list("id", flat=True)) == rows  # its transaction died with it
    indexing.refresh(es_client)

    def versions() -> dict[int, int]:
        found = es_client.mget(index=documents.alias_name(), ids=[str(p.pk) for p in pages])["docs"]
        return {int(d["_id"]): d["_version"] for d in found if d.get("found")}

    written = versions()
    assert set(written) == {p.pk for p in pages}  # the write itself happened
    # A change made after the dead worker read the database, replayed with the rows it left.
    pages[0].title = "Bilateral labour agreement, amended"
    pages[0].save_revision().publish()
    report = indexing.replay_outbox()
    assert (report.failed, report.remaining) == (0, 0)
    again = versions()
    assert all(again[pk] > written[pk] for pk in written), (written, again)
    assert es_client.get(index=documents.alias_name(), id=str(pages[0].pk))["_source"]["title"].endswith("amended")
    # Replaying the same pages once more changes nothing but the versions, which only go up.
    from search.tasks import queue_pages

    queue_pages(p.pk for p in pages)
    assert indexing.replay_outbox().synced == len(pages)
    assert all(versions()[pk] > again[pk] for pk in again)
    from django.core.management import call_command

    call_command("search_index", "--check")  # raises when any document differs from the database


def test_a_task_whose_worker_died_three_times_fails_with_the_reason(db):
    dead = [f"{socket.gethostname()}:{999_999_990 + n}" for n in range(3)]
    result = DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="tests.cluster.tasks.hold",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
        worker_ids=dead,
    )
    report = workers.requeue_lost_tasks()
    assert (report.requeued, report.failed) == (0, 1)
    result.refresh_from_db()
    assert result.status == "FAILED"
    assert result.exception_class_path == "salam.workers.WorkerLost"
    assert f"the worker '{dead[-1]}' stopped while running this task (try 3 of 3)" in result.traceback


def test_a_worker_on_another_machine_counts_as_lost_only_after_the_limit(db, settings):
    settings.TASK_WORKER_LOST_AFTER_S = 3600
    now = timezone.now()
    common = {
        "args_kwargs": {"args": [0], "kwargs": {}},
        "task_path": "tests.cluster.tasks.hold",
        "backend_name": "default",
    }
    recent = DBTaskResult.objects.create(
        status="RUNNING",
        run_after=now,
        started_at=now - datetime.timedelta(minutes=5),
        worker_ids=["elsewhere:1"],
        **common,
    )
    old = DBTaskResult.objects.create(
        status="RUNNING",
        run_after=now,
        started_at=now - datetime.timedelta(hours=2),
        worker_ids=["elsewhere:2"],
        **common,
    )
    alive = DBTaskResult.objects.create(
        status="RUNNING",
        run_after=now,
        started_at=now - datetime.timedelta(hours=2),
        worker_ids=[f"{socket.gethostname()}:{os.getpid()}"],
        **common,
    )
    assert workers.requeue_lost_tasks().requeued == 1
    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert (statuses[recent.pk], statuses[old.pk], statuses[alive.pk]) == ("RUNNING", "READY", "RUNNING")
