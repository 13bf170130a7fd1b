"""Registrations arriving all at once, over HTTP, on the hub as `make run` starts it (SQLite) and on PostgreSQL.

The hub runs in its own processes on a throwaway database: `runserver` (threads, as `make run`)
and a task worker that sends the confirmation emails while the registrations arrive, so web and
worker write to the same database at the same time. 40 people register at the same instant: none
may get an error, and the lecture must not be overbooked. Then 70 more arrive from the same
address with a per-address limit of 100 an hour: exactly 60 get through and 10 are told they
tried too often, never an error.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION = re.compile(r'<form class="registration-form" method="post" action="([^"#]+)')
FIRST_WAVE, SECOND_WAVE, SEATS, PER_ADDRESS = 40, 70, 25, 100

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Site
from lectures.models import LectureIndexPage, LecturePage
from salam.models import HomePage

home = HomePage.objects.get()
Site.objects.update(hostname="127.0.0.1", port=80)
index = LectureIndexPage(title="Lectures", slug="lectures")
home.add_child(instance=index)
start = timezone.now() + timedelta(days=14)
paths = {}
for slug, seats in (("first", %(seats)d), ("second", 500)):
    lecture = LecturePage(title=slug, slug=slug, abstract="A lecture.", start=start, end=start + timedelta(hours=2),
                          timezone="Asia/Colombo", venue="Hall A", capacity=seats)
    index.add_child(instance=lecture)
    paths[slug] = ["/" + lecture.url_path.removeprefix(home.url_path), lecture.pk]
print("PATHS=" + json.dumps(paths))
"""

COUNTS = """
from lectures.models import Registration
for pk in (%(first)d, %(second)d):
    rows = Registration.objects.filter(lecture_id=pk)
    print("COUNT", pk, rows.filter(status="confirmed").count(), rows.filter(status="waiting").count())
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(vendor: str, tmp_path: Path) -> tuple[str, str]:
    """A throwaway database of the vendor; returns its URL and, for PostgreSQL, its name (to drop)."""
    if vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}", ""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL run needs DATABASE_URL=postgres://... (make test sets it)")
    import psycopg

    db = settings.DATABASES["default"]
    name = f"http_concurrency_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    dsn = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}", name


def drop_postgres(name: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    dsn = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Visitor:
    """One person's browser: its own connection and cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, content


def register_all_at_once(port: int, path: str, count: int, prefix: str) -> list[tuple[int, str]]:
    """``count`` visitors open the page, then all post the form at the same instant."""
    visitors, forms = [], []
    for _ in range(count):
        visitor = Visitor(port)
        status, page = visitor.request("GET", path)
        token, action = TOKEN.search(page), ACTION.search(page)
        assert status == 200 and token and action, f"GET {path} answered {status} without the form"
        visitors.append(visitor)
        forms.append((token.group(1), action.group(1)))
    results: list[tuple[int, str]] = [(0, "")] * count
    barrier = threading.Barrier(count)

    def post(i: int) -> None:
        token, action = forms[i]
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "next": path,
                "name": f"Person {prefix}{i}",
                "email": f"{prefix}{i}@example.org",
                "country": "LK",
                "role": "researcher",
                "consent": "on",
            }
        )
        barrier.wait()
        try:
            results[i] = visitors[i].request("POST", action, body)
        except Exception as exc:  # a dropped connection is an error too
            results[i] = (-1, repr(exc))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_simultaneous_registrations_over_http(vendor, tmp_path):
    url, pg_name = database_url(vendor, tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salam.settings.dev",
        "DEBUG": "false",
        "SALAM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "ELASTICSEARCH_URL": "http://127.0.0.1:9",  # nothing to index here; the outbox keeps the work
        "LECTURE_REGISTRATION_RATE_PER_IP": f"{PER_ADDRESS}/h",
        "LOG_LEVEL": "WARNING",
    }
    processes: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--noinput")
        out = manage(env, "shell", "-c", SETUP % {"seats": SEATS})
        paths = json.loads(out.split("PATHS=", 1)[1])
        port = free_port()
        server_log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 (closed in finally)
        worker_log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.05"],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if Visitor(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the hub did not start"
            time.sleep(0.3)

        first = register_all_at_once(port, paths["first"][0], FIRST_WAVE, "first")
        assert [s for s, _ in first if s != 302] == [], [body[-600:] for s, body in first if s != 302][:2]

        second = register_all_at_once(port, paths["second"][0], SECOND_WAVE, "second")
        statuses = [s for s, _ in second]
        assert statuses.count(302) == PER_ADDRESS - FIRST_WAVE
        refused = [body for s, body in second if s == 429]
        assert len(refused) == SECOND_WAVE - (PER_ADDRESS - FIRST_WAVE)
        assert all("Too many registration attempts" in body for body in refused)

        time.sleep(2)  # let the worker finish the confirmation emails it has started
        counts = manage(env, "shell", "-c", COUNTS % {"first": paths["first"][1], "second": paths["second"][1]})
        assert f"COUNT {paths['first'][1]} {SEATS} {FIRST_WAVE - SEATS}" in counts
        assert f"COUNT {paths['second'][1]} {PER_ADDRESS - FIRST_WAVE} 0" in counts
        server_log.seek(0)
        worker_log.seek(0)
        served, worked = server_log.read(), worker_log.read()
        assert "database is locked" not in served + worked
        assert "Traceback" not in served, served[-3000:]
        # The worker also logs the search outbox failing (no Elasticsearch here); emails must not fail.
        assert "send_registration_email state=SUCCESSFUL" in worked
        assert "send_registration_email state=FAILED" not in worked
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        if pg_name:
            drop_postgres(pg_name)
