"""Benchmark: lecture registrations over real HTTP against gunicorn and PostgreSQL.

    python bench/register.py [--clients 50] [--registrations 1500] [--seats 500] [--workers 4]
                             [--worker-class sync|gthread] [--threads 1] [--json]

What it does:
1. `scripts/postgres start`, then creates a throwaway database `salam_bench_<pid>` and migrates it.
2. Writes a settings module to a temporary folder: the dev settings plus
   LECTURE_REGISTRATION_RATE_PER_IP = LECTURE_REGISTRATION_RATE_PER_EMAIL = None, which switches the
   registration rate limits off (every client comes from 127.0.0.1, so the per-address limit would
   otherwise stop the run after 30 posts). Nothing else is changed.
3. Creates a lecture with --seats seats and starts gunicorn on a free port as the README's production
   setup runs it: 4 sync workers (one request at a time each, the connection closed after the
   response, as behind a reverse proxy) and persistent database connections. Sync workers take
   the next connection only when free, so waiting is first come, first served; gthread workers
   (--worker-class gthread, --threads) keep connections alive, and a kept-alive connection stays
   with the worker that accepted it however busy that worker is, which made the slowest 5 %
   wait behind the busiest worker (measured: same throughput, p95 1.3-2x that of sync).
4. Sends every worker its first requests (several concurrent clients, so that each worker gets
   some). Then --clients threads each fetch the
   lecture page once (CSRF cookie and token, the form's action and hidden fields) and, when all have it, post
   registrations with distinct email addresses to that action until --registrations have been
   posted. Only the posts are timed: fetching the page is the visitor's step before the endpoint,
   and 50 page renders at once would otherwise sit in front of the first wave of posts.
   Latency is measured per POST up to the redirect that follows a successful registration (the
   redirect is not fetched; its success message is dropped from the cookies, as showing it would).
   As a reference measured in the same run, the same clients first ask /healthz (one query) as
   many times each, through the same server.
5. Checks the final counts (confirmed == min(seats, registrations), the rest waiting) and prints
   registrations per second, p95 latency, and the ratio of p95 to the reference's p95.
   With --json the last line is one JSON object.

Target on the 2-core machine: no errors and p95 under 300 ms with 50 concurrent clients.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from servers import free_port, percentile, wait_for

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = """from salam.settings.dev import *  # noqa
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Switch the registration rate limits off: every benchmark client comes from 127.0.0.1.
LECTURE_REGISTRATION_RATE_PER_IP = None
LECTURE_REGISTRATION_RATE_PER_EMAIL = None
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
"""
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION = re.compile(rb'<form class="registration-form" method="post" action="([^"#]+)')
BACK = re.compile(rb'<input type="hidden" name="next" value="([^"]*)"')


class Client:
    """One simulated visitor with its own connection (kept alive when the server allows) and cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content


def run_clients(count: int, prepare, work) -> tuple[list[float], int, float]:
    """Run `count` clients on threads and time only their work.

    Each thread first calls `prepare(index)` (untimed: open a connection, fetch the form); when all
    are ready the clock starts and each calls `work(index, prepared, latencies)`, which returns its
    number of errors. Returns the latencies, the errors and the seconds from start to the last finish.
    """
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(count + 1)

    def runner(index: int) -> None:
        mine: list[float] = []
        mistakes, prepared = 0, None
        try:
            prepared = prepare(index)
        except Exception as exc:
            print(f"client {index} could not start: {exc!r}", file=sys.stderr)
        barrier.wait()
        try:
            mistakes = work(index, prepared, mine) if prepared is not None else 1
        except Exception as exc:
            print(f"client {index} failed: {exc!r}", file=sys.stderr)
            mistakes += 1
        with lock:
            latencies.extend(mine)
            errors[0] += mistakes

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def warm_up(port: int, paths: list[str], clients: int, rounds: int = 6) -> None:
    """Send every worker its first requests before anything is timed.

    A kept-alive connection stays with one worker, so one client warms one worker; several
    concurrent clients on their own connections reach them all.
    """

    def visit(_index: int) -> None:
        client = Client(port)
        for _ in range(rounds):
            for path in paths:
                client.request("GET", path)

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--registrations", type=int, default=1500, help="in all (30 per client by default, for a steadier p95)"
    )
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="sync",
        help="sync (as in production) closes each connection after its response; gthread keeps it alive",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker (they share one GIL)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    args = parser.parse_args()
    for name in ("clients", "registrations", "seats", "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    base_url = subprocess.run([str(ROOT / "scripts/postgres"), "start"], check=True, capture_output=True, text=True)
    base_url = base_url.stdout.strip()
    database = f"salam_bench_{os.getpid()}"
    parts = urlsplit(base_url)
    url = urlunsplit(parts._replace(path=f"/{database}"))

    import psycopg

    admin_dsn = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')

    settings_dir = tempfile.mkdtemp(prefix="salam-bench-")
    Path(settings_dir, "bench_register_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_register_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
        "SALAM_VAR_DIR": settings_dir,
        "SECRET_KEY": "bench-only-key",
        # Persistent database connections, as in production (salam/settings/production.py).
        "DB_CONN_MAX_AGE": "60",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SALAM_VAR_DIR", "SECRET_KEY")})
    os.environ.pop("DB_CONN_MAX_AGE", None)  # this process's own connections are closed between its steps
    sys.path[:0] = [settings_dir, str(ROOT)]
    server = None
    try:
        print(f"Migrating {database} …", file=sys.stderr)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        lecture_path, lecture_pk = create_lecture(args.seats)
        from django.db import connections

        connections.close_all()

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "salam.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--worker-class", args.worker_class, "--preload", "--log-level", "warning",
             *(["--threads", str(args.threads)] if args.worker_class == "gthread" else [])],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_for(port)
        warm_up(port, [lecture_path, "/healthz"], clients=args.workers * args.threads * 3)

        shares = [
            args.registrations // args.clients + (i < args.registrations % args.clients) for i in range(args.clients)
        ]

        # Reference: the same clients asking /healthz (one SELECT 1), as many times each as they will
        # register, after one untimed request each.
        def connect(index: int) -> Client:
            client = Client(port)
            if client.request("GET", "/healthz")[0] != 200:
                raise RuntimeError("/healthz did not answer 200")
            return client

        def reference(index: int, client: Client, latencies: list[float]) -> int:
            errors = 0
            for _ in range(shares[index]):
                started = time.perf_counter()
                status, _ = client.request("GET", "/healthz")
                latencies.append(time.perf_counter() - started)
                errors += status != 200
            return errors

        ref_latencies, ref_errors, _ = run_clients(args.clients, connect, reference)
        ref_p95 = percentile(ref_latencies, 0.95) * 1000

        def open_form(index: int) -> tuple[Client, str, str]:
            """Fetch the lecture page as a visitor does: the CSRF cookie, and the form's action and hidden fields."""
            client = Client(port)
            status, page = client.request("GET", lecture_path)
            match, action, back = TOKEN.search(page), ACTION.search(page), BACK.search(page)
            if status != 200 or not match or not action or not back:
                raise RuntimeError(f"GET {lecture_path} answered {status} without the registration form")
            hidden = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "next": back.group(1).decode()})
            return client, hidden, action.group(1).decode()

        def register(index: int, prepared: tuple[Client, str, str], latencies: list[float]) -> int:
            client, hidden, endpoint = prepared
            errors = 0
            for number in range(shares[index]):
                body = (
                    f"{hidden}&name=Bench+Person+{index}-{number}"
                    f"&email=bench{index}-{number}%40example.org&organisation=&country=NP&role=researcher"
                    "&accessibility_needs=&consent=on&website="
                )
                started = time.perf_counter()
                status, _ = client.request("POST", endpoint, body)
                latencies.append(time.perf_counter() - started)
                # A browser follows the redirect, whose page shows and so removes the success message;
                # without this the unread messages would pile up in the cookie from post to post.
                client.cookies.pop("messages", None)
                if status != 302:
                    errors += 1
            return errors

        latencies, errors, seconds = run_clients(args.clients, open_form, register)
        confirmed, waiting = final_counts(lecture_pk)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_database(admin_dsn, database)

    expected_confirmed = min(args.seats, args.registrations)
    counts_ok = confirmed == expected_confirmed and waiting == args.registrations - expected_confirmed
    p95 = percentile(latencies, 0.95) * 1000
    rate = len(latencies) / seconds if seconds else 0.0
    errors += 0 if counts_ok else 1
    ratio = p95 / ref_p95 if ref_p95 else 0.0
    p50 = percentile(latencies, 0.5) * 1000
    slowest = max(latencies, default=0.0) * 1000
    verdict = "as expected" if counts_ok else "WRONG"
    met = "met" if errors == 0 and p95 < 300 else "NOT met"
    print(f"{len(latencies)} registrations by {args.clients} clients in {seconds:.2f} s: {rate:.1f} registrations/s")
    print(f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {slowest:.1f} ms")
    print(
        f"reference (/healthz, same clients): p95 {ref_p95:.1f} ms ({ref_errors} errors); p95 / reference {ratio:.1f}x"
    )
    print(f"final counts: {confirmed} confirmed, {waiting} waiting ({verdict}); errors: {errors}")
    print(f"target: no errors and p95 < 300 ms -> {met}")
    if args.json:
        print(json.dumps({"registrations_per_s": round(rate, 1), "p95_ms": round(p95, 1), "errors": errors,
                          "confirmed": confirmed, "waiting": waiting}))  # fmt: skip
    return 0 if errors == 0 else 1


def create_lecture(seats: int) -> tuple[str, int]:
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
    end = start + timedelta(hours=2)
    lecture = LecturePage(title="Benchmark lecture", slug="benchmark-lecture", abstract="Load test.", start=start,
                          end=end, timezone="Asia/Kathmandu", venue="Hall A", capacity=seats)  # fmt: skip
    index.add_child(instance=lecture)
    return "/" + lecture.url_path.removeprefix(home.url_path), lecture.pk


def final_counts(lecture_pk: int) -> tuple[int, int]:
    from django.db import connections

    from lectures.models import Registration

    connections.close_all()
    rows = Registration.objects.filter(lecture_id=lecture_pk)
    confirmed, waiting = rows.filter(status="confirmed").count(), rows.filter(status="waiting").count()
    connections.close_all()
    return confirmed, waiting


def drop_database(admin_dsn: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
