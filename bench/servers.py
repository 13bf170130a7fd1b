"""What the HTTP benchmarks share: a free port, waiting for gunicorn, and percentiles."""

import http.client
import socket
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 180) -> None:
    """Wait until /healthz answers 200 (the port opens before the workers are ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not start on port {port} within {timeout:.0f} s")


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction 0.95 for p95); 0.0 for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def create_postgres_database(root, prefix: str) -> tuple[str, str, str]:
    """A throwaway database on DATABASE_URL's PostgreSQL server, or on the one scripts/postgres starts.

    Returns (its url, the admin dsn to drop it with, its name).
    """
    import os
    import subprocess
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        started = subprocess.run([str(root / "scripts/postgres"), "start"], check=True, capture_output=True, text=True)
        base_url = started.stdout.strip()
    parts = urlsplit(base_url)
    name = f"{prefix}_{os.getpid()}"
    admin_dsn = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), admin_dsn, name


def drop_postgres_database(admin_dsn: str, name: str) -> None:
    """Remove a database create_postgres_database made, whoever is still connected."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
