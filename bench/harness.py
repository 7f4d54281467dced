"""What the gunicorn benchmarks share: a bench database made and seeded once, manage.py against it,
an editor's API token, and waiting for the server to listen."""

import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent


def env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
    }


def manage(url: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env(url), check=True, capture_output=True, text=True
    )
    return result.stdout


def ensure_database(name: str, server_url: str = "postgres://postgres@127.0.0.1:5432") -> str:
    """Create the bench database `name` on the server if it is missing; its URL."""
    admin = psycopg2.connect(f"{server_url.rstrip('/')}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"{server_url.rstrip('/')}/{name}"


def scale_database(server_url: str, claims: int) -> str:
    """The URL of the bench database with N seeded claims, shared by export.py, search.py and pages.py."""
    return f"{server_url.rstrip('/')}/bench_scale_{claims}"


def prepare(server_url: str, url: str, claims: int) -> None:
    name = url.rsplit("/", 1)[1]
    ensure_database(name, server_url)
    manage(url, "migrate", "--no-input", "-v", "0")
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM annotations_claim")
        existing = cursor.fetchone()[0]
    if existing < claims:
        started = time.perf_counter()
        manage(url, "seed_benchmark", "--claims", str(claims - existing))
        print(f"# seeded {claims - existing} claims into {name} in {time.perf_counter() - started:.1f} s", flush=True)
        db = psycopg2.connect(url)
        db.autocommit = True
        db.cursor().execute("VACUUM ANALYZE")
        db.close()


def editor_token(url: str) -> str:
    return manage(
        url,
        "shell",
        "-c",
        "from knox.models import AuthToken; from django.contrib.auth import get_user_model; "
        "print(AuthToken.objects.create(user=get_user_model().objects.get(username='bench-editor'))[1])",
    ).split()[-1]


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def timed_get(connection: http.client.HTTPConnection, path: str, headers: dict) -> tuple[float, bytes]:
    """(seconds, body) of one GET on a kept-alive connection; anything but 200 ends the bench."""
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return seconds, body


def percentile_ms(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000 if len(values) > 1 else 0.0


def print_latencies(timings: dict[str, list[float]], *, baseline: str = "baseline") -> None:
    """p50/p95 of each kind of request in ms, and their ratio to the baseline's p50 measured in the same run."""
    base = percentile_ms(timings[baseline], 50)
    print(f"{'request':<16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9} {'p95/base':>9}")
    for name, values in timings.items():
        if values:
            p50, p95 = percentile_ms(values, 50), percentile_ms(values, 95)
            print(f"{name:<16} {len(values):>5} {p50:>8.1f} {p95:>8.1f} {p50 / base:>9.1f} {p95 / base:>9.1f}")
