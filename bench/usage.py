"""Benchmark: what counting a download adds to the download's time, at 20 concurrent clients.

    python bench/usage.py [--clients 20] [--downloads 15] [--rounds 6] [--workers 4] [--json]

What it does:
1. Uses DATABASE_URL when set (a PostgreSQL server), else `scripts/postgres start`; creates a
   throwaway database `salam_bench_<pid>`, migrates it and adds one live public publication with a
   generated PDF of about 150 KB (a short paper), served through Wagtail's document view and its
   access checks, as readers get it.
2. Starts two gunicorn servers on free ports, set up alike as bench/register.py does (4 sync workers,
   persistent database connections, the dev settings with DEBUG off) on the same database, one with
   USAGE_COUNTING=true (the background thread counting every USAGE_FLUSH_INTERVAL_S, 5 s, as in
   production) and one with USAGE_COUNTING=false. Every worker of both gets its first requests untimed.
3. In --rounds rounds, alternately (off then on, then on then off, ...) so that a machine getting
   busier or quieter weighs on both alike, --clients threads each download the PDF --downloads
   times from one server, each client with its own browser user agent (so each is a visitor).
   Only one server is loaded at a time.
4. Waits for the counting server's thread to count, checks that every client was counted as one
   visitor, and prints the mean and p95 download time of each and the ratio on / off.

Target on the 2-core machine: the mean download time with counting on is under 1.05 times that without.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from register import Client, run_clients, warm_up
from servers import create_postgres_database, drop_postgres_database, free_port, percentile, wait_for

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = """from salam.settings.dev import *  # noqa
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
"""
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.{index} Safari/537.36"


class Reader(Client):
    """A visitor with a browser's user agent of its own."""

    def __init__(self, port: int, index: int):
        super().__init__(port)
        self.agent = BROWSER.format(index=index)

    def download(self, path: str) -> tuple[int, int]:
        for attempt in range(2):
            try:
                self.connection.request("GET", path, headers={"Host": "127.0.0.1", "User-Agent": self.agent})
                response = self.connection.getresponse()
                return response.status, len(response.read())
            except OSError:
                self.connection.close()
                self.connection = type(self.connection)("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--downloads", type=int, default=15, help="per client and round")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per server, alternating")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes per server")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    args = parser.parse_args()
    for name in ("clients", "downloads", "rounds", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    url, admin_dsn, database = create_postgres_database(ROOT, "salam_bench")

    settings_dir = tempfile.mkdtemp(prefix="salam-bench-")
    Path(settings_dir, "bench_usage_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_usage_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
        "SALAM_VAR_DIR": settings_dir,
        "SECRET_KEY": "bench-only-key",
        "DB_CONN_MAX_AGE": "60",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SALAM_VAR_DIR", "SECRET_KEY")})
    os.environ.pop("DB_CONN_MAX_AGE", None)
    sys.path[:0] = [settings_dir, str(ROOT)]
    servers: dict[str, subprocess.Popen] = {}
    try:
        print(f"Migrating {database} …", file=sys.stderr)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        pdf_path, size = create_publication()
        from django.db import connections

        connections.close_all()

        ports = {}
        for mode, counting in (("off", "false"), ("on", "true")):
            ports[mode] = free_port()
            servers[mode] = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "salam.wsgi", "--bind", f"127.0.0.1:{ports[mode]}",
                 "--workers", str(args.workers), "--preload", "--log-level", "warning"],
                cwd=ROOT, env={**env, "USAGE_COUNTING": counting},
            )  # fmt: skip
        for port in ports.values():
            wait_for(port)
            warm_up(port, [pdf_path, "/healthz"], clients=args.workers * 3)

        latencies: dict[str, list[float]] = {"off": [], "on": []}
        errors = {"off": 0, "on": 0}
        for round_number in range(args.rounds):
            order = ("off", "on") if round_number % 2 == 0 else ("on", "off")
            for mode in order:
                port = ports[mode]

                def connect(index: int, port: int = port) -> Reader:
                    return Reader(port, index)

                def download(index: int, reader: Reader, out: list[float]) -> int:
                    mistakes = 0
                    for _ in range(args.downloads):
                        started = time.perf_counter()
                        status, length = reader.download(pdf_path)
                        out.append(time.perf_counter() - started)
                        mistakes += status != 200 or length != size
                    return mistakes

                measured, mistakes, _ = run_clients(args.clients, connect, download)
                latencies[mode].extend(measured)
                errors[mode] += mistakes
        time.sleep(7)  # the counting server's threads count every USAGE_FLUSH_INTERVAL_S (5 s)
        visitors, requests = counted()
    finally:
        clock = time.perf_counter()
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print(f"servers stopped in {time.perf_counter() - clock:.1f} s", file=sys.stderr)
        drop_postgres_database(admin_dsn, database)

    means = {mode: statistics.fmean(values) * 1000 for mode, values in latencies.items()}
    p95s = {mode: percentile(values, 0.95) * 1000 for mode, values in latencies.items()}
    ratio = means["on"] / means["off"] if means["off"] else 0.0
    p95_ratio = p95s["on"] / p95s["off"] if p95s["off"] else 0.0
    counted_ok = visitors == args.clients and requests >= args.clients
    for mode in ("off", "on"):
        print(
            f"counting {mode:>3}: {len(latencies[mode])} downloads of {size / 1024:.0f} KB by {args.clients} clients: "
            f"mean {means[mode]:.1f} ms, p50 {percentile(latencies[mode], 0.5) * 1000:.1f} ms, "
            f"p95 {p95s[mode]:.1f} ms, errors {errors[mode]}"
        )
    print(f"counted: {visitors} visitors, {requests} requests, double clicks merged (expected {args.clients} visitors)")
    print(f"ratio on / off: mean {ratio:.3f}, p95 {p95_ratio:.3f}")
    met = "met" if ratio < 1.05 and counted_ok and not any(errors.values()) else "NOT met"
    print(f"target: mean download time with counting under 1.05x without -> {met}")
    if args.json:
        figures = {"mean_off_ms": round(means["off"], 2), "mean_on_ms": round(means["on"], 2)}
        print(json.dumps({**figures, "ratio": round(ratio, 3), "p95_ratio": round(p95_ratio, 3), "visitors": visitors}))
    return 0 if met == "met" else 1


def create_publication() -> tuple[str, int]:
    """A live public publication with a generated PDF; returns the PDF's URL path and size."""
    import io

    from django.core.files.base import ContentFile
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from wagtail.documents import get_document_model
    from wagtail.models import Site

    from publications.models import Author, PublicationIndexPage, PublicationPage
    from salam.models import HomePage

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    for number in range(30):
        for line in range(45):
            pdf.drawString(
                50, 800 - line * 17, f"Page {number + 1}, line {line + 1}: recruitment fees and remittances."
            )
        pdf.showPage()
    pdf.save()
    content = buffer.getvalue()
    document = get_document_model()(title="Benchmark paper")
    document.file.save("benchmark-paper.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
    document.save()

    home = HomePage.objects.get()
    Site.objects.update(hostname="127.0.0.1", port=80)
    index = PublicationIndexPage(title="Publications", slug="publications")
    home.add_child(instance=index)
    page = PublicationPage(title="Benchmark paper", slug="benchmark-paper", abstract="Load test.", pdf=document)
    page.publication_authors.add(_author(Author))
    index.add_child(instance=page)
    return document.url, len(content)


def _author(author_model):
    from publications.models import PublicationAuthor

    return PublicationAuthor(author=author_model.objects.create(name="Bench Author"), sort_order=0)


def counted() -> tuple[int, int]:
    """Visitors and requests the counting server recorded (today's rows, not rolled up)."""
    from django.db import connections
    from django.db.models import Sum

    from usage.models import UsageVisit

    connections.close_all()
    rows = UsageVisit.objects.filter(kind="download")
    result = rows.count(), rows.aggregate(n=Sum("requests"))["n"] or 0
    connections.close_all()
    return result


if __name__ == "__main__":
    sys.exit(main())
