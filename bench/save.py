"""Annotation save benchmark: N concurrent clients PATCH annotations with If-Match through gunicorn.

    python bench/save.py --clients 16 --seconds 15                    # saturation (closed loop)
    python bench/save.py --clients 16 --seconds 15 --per-annotation 1 # saturation, no racing
    python bench/save.py --clients 16 --seconds 15 --interval 0.5     # paced: one save per client every 0.5 s

Creates and migrates its own PostgreSQL database (dropped at the end), starts
gunicorn with DEBUG off, and runs N client threads (one keep-alive HTTP
connection each). Clients share annotations in groups (--per-annotation), so
saves race: a client PATCHes with the ETag it holds and, on 412, re-reads and
retries.

Two load modes, printed at the top of the figures:
- saturation (default): closed loop, no think time; each client sends its next
  request as soon as the previous answer arrives. Latency here is mostly queueing
  for the CPU: it measures capacity (saves/s), not what an editor would feel.
- paced (--interval S): each client starts a save every S seconds on a fixed
  schedule (like editors who save every few seconds). If a save (with its
  re-reads and retries) overruns its slot, the next starts at once and the missed
  slots are skipped, so the achieved rate falls below the offered one: both are
  printed.

Prints p50/p95/p99 latency of accepted saves, saves/s, and a baseline (a trivial
authenticated GET measured in the same run, closed loop with the same number of
clients). Then it checks that every accepted save is stored with its content and
that version numbers are gapless, and exits non-zero if not.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the save phase runs")
    parser.add_argument("--saves", type=int, default=0, help="stop after this many accepted saves per client instead")
    parser.add_argument("--per-annotation", type=int, default=2, help="clients sharing (racing on) one annotation")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="paced mode: each client starts a save every this many seconds (default 0: saturation, no think time)",
    )
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench_save"),
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database at the end")
    return parser.parse_args()


# ---------------------------------------------------------------- database and server


def admin_connection(database_url: str):
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    return connection


def run_admin(database_url: str, *statements: str) -> None:
    # Not `with connection:`: psycopg2 would open a transaction block, where DROP DATABASE is refused.
    connection = admin_connection(database_url)
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def recreate_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    run_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    run_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(args) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
        "CONN_MAX_AGE": "600",
    }


def start_gunicorn(args, env: dict) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread",
        "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(port: int, token: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = Client(port, token).request("GET", "/api/v1/verdicts/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)  # polling for the server to come up, not a timed assertion
    raise SystemExit("gunicorn did not start serving within 30 s")


# ---------------------------------------------------------------- fixtures (through the domain services)


def set_up_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_fixtures(clients: int, per_annotation: int) -> tuple[list[str], list[int]]:
    """One editor (and token) per client, and one annotation per group of clients."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from knox.models import AuthToken

    from annotations import versioning
    from annotations.articles import create_article
    from annotations.claims import create_claim
    from annotations.models import Verdict

    editors = Group.objects.get(name="editor")
    reviewers = Group.objects.get(name="reviewer")
    tokens = []
    for index in range(clients):
        user = get_user_model().objects.create_user(f"bench-editor-{index}", password=secrets.token_urlsafe())
        user.groups.add(editors)
        tokens.append(AuthToken.objects.create(user=user)[1])
    groups = (clients + per_annotation - 1) // per_annotation
    article = create_article(
        title="Benchmark article", body=" ".join(f"<claim {i}>" for i in range(groups)), language="en"
    )
    verdict = Verdict.objects.get(key="mixed")
    annotation_ids = []
    for index in range(groups):
        reviewer = get_user_model().objects.create_user(f"bench-reviewer-{index}", password=secrets.token_urlsafe())
        reviewer.groups.add(reviewers)
        claim = create_claim(article, [{"type": "TextQuoteSelector", "exact": f"<claim {index}>"}])
        annotation = versioning.create_annotation(
            claim, reviewer=reviewer, verdict=verdict, confidence=50, rationale="start", evidence=[]
        )
        annotation_ids.append(annotation.pk)
    from django.db import connection

    connection.close()
    return tokens, annotation_ids


# ---------------------------------------------------------------- clients


class Client:
    """One keep-alive HTTP connection with a token."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {**self.headers, **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=payload, headers=all_headers)
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()


@dataclass
class Record:
    save_latencies: list[float] = field(default_factory=list)  # accepted PATCH requests
    conflict_latencies: list[float] = field(default_factory=list)  # PATCH requests answered 412
    task_latencies: list[float] = field(default_factory=list)  # a save from its start to accepted, retries included
    read_latencies: list[float] = field(default_factory=list)
    accepted: list[tuple[int, int, str, int]] = field(default_factory=list)  # annotation, version, note, confidence
    conflicts: int = 0
    offered: int = 0  # paced mode: save slots started
    missed_slots: int = 0  # paced mode: slots skipped because the previous save overran
    errors: list[str] = field(default_factory=list)


def save_loop(port: int, token: str, annotation_id: int, index: int, args, start: threading.Barrier, record: Record):
    client = Client(port, token)
    path = f"/api/v1/annotations/{annotation_id}/"
    start.wait()
    began_at = time.monotonic()
    deadline = began_at + args.seconds
    # Paced clients start at staggered offsets so they do not all fire on the same tick.
    next_slot = began_at + (index / args.clients) * args.interval
    etag = None
    sequence = 0
    retrying = False
    while (len(record.accepted) < args.saves) if args.saves else (time.monotonic() < deadline):
        if args.interval and not retrying:
            now = time.monotonic()
            if next_slot > now:
                if next_slot >= deadline and not args.saves:
                    return
                time.sleep(next_slot - now)  # think time of a paced client, not a timed assertion
            else:
                record.missed_slots += int((now - next_slot) // args.interval)
                next_slot += int((now - next_slot) // args.interval) * args.interval
            record.offered += 1
            next_slot += args.interval
        if not retrying:
            save_began = time.perf_counter()
        if etag is None:
            began = time.perf_counter()
            status, headers, _body = client.request("GET", path)
            record.read_latencies.append(time.perf_counter() - began)
            if status != 200:
                record.errors.append(f"GET {path}: {status}")
                return
            etag = headers["ETag"]
        note = f"client {index} save {sequence}"
        confidence = (index * 7 + sequence) % 101
        began = time.perf_counter()
        status, headers, body = client.request(
            "PATCH", path, {"confidence": confidence, "change_note": note}, {"If-Match": etag}
        )
        elapsed = time.perf_counter() - began
        if status == 200:
            record.save_latencies.append(elapsed)
            record.task_latencies.append(time.perf_counter() - save_began)
            record.accepted.append((annotation_id, json.loads(body)["version"], note, confidence))
            etag = headers["ETag"]
            sequence += 1
            retrying = False
        elif status == 412:
            record.conflicts += 1
            record.conflict_latencies.append(elapsed)
            etag = None  # re-read, then retry the same change on the newer version
            retrying = True
        else:
            record.errors.append(f"PATCH {path}: {status} {body[:200]!r}")
            return


def baseline_loop(port: int, token: str, seconds: float, start: threading.Barrier, latencies: list[float]):
    client = Client(port, token)
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.perf_counter()
        status, _headers, _body = client.request("GET", "/api/v1/verdicts/")
        latencies.append(time.perf_counter() - began)
        if status != 200:
            raise SystemExit(f"baseline GET failed with {status}")


def run_threads(targets) -> None:
    threads = [threading.Thread(target=target, args=target_args) for target, target_args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---------------------------------------------------------------- figures and checks


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def verify(records: list[Record], annotation_ids: list[int]) -> list[str]:
    """Every accepted save is stored with its content; numbers run 1..n; nothing else was written."""
    from annotations.models import Annotation, AnnotationVersion

    problems = []
    stored = {
        (annotation_id, number): (note, confidence)
        for annotation_id, number, note, confidence in AnnotationVersion.objects.filter(
            annotation_id__in=annotation_ids
        ).values_list("annotation_id", "number", "change_note", "confidence")
    }
    claimed: dict[tuple[int, int], str] = {}
    for record in records:
        for annotation_id, number, note, confidence in record.accepted:
            if (annotation_id, number) in claimed:
                problems.append(f"annotation {annotation_id} v{number} was accepted twice")
            claimed[annotation_id, number] = note
            if stored.get((annotation_id, number)) != (note, confidence):
                problems.append(f"accepted save {note!r} is not stored as annotation {annotation_id} v{number}")
    for annotation in Annotation.objects.filter(pk__in=annotation_ids):
        numbers = sorted(number for (annotation_id, number) in stored if annotation_id == annotation.pk)
        if numbers != list(range(1, annotation.version + 1)):
            problems.append(
                f"annotation {annotation.pk} has versions {numbers[:5]}... not gapless to {annotation.version}"
            )
        unclaimed = [n for n in numbers if n > 1 and (annotation.pk, n) not in claimed]
        if unclaimed:
            problems.append(f"annotation {annotation.pk} has versions nobody was told about: {unclaimed[:5]}")
    return problems


def report(args, records: list[Record], baseline: list[float], elapsed: float, annotations: int) -> None:
    def gather(name: str) -> list[float]:
        return [latency for record in records for latency in getattr(record, name)]

    def figures(values: list[float]) -> str:
        cut = percentiles(values)
        return f"p50 {cut['p50']:.1f} ms, p95 {cut['p95']:.1f} ms, p99 {cut['p99']:.1f} ms"

    saves, base_p = gather("save_latencies"), percentiles(baseline)
    conflicts = sum(record.conflicts for record in records)
    if args.interval:
        offered = sum(record.offered for record in records)
        missed = sum(record.missed_slots for record in records)
        print(
            f"mode: PACED, each client starts a save every {args.interval:g} s "
            f"(offered {args.clients / args.interval:.1f} saves/s in total)"
        )
    else:
        print("mode: SATURATION, closed loop, no think time (latency is mostly queueing for the CPU)")
    print(f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, DEBUG off, port {args.port}")
    print(f"clients: {args.clients}, {annotations} annotations ({args.per_annotation} clients each)")
    print(
        f"baseline GET /verdicts/ (closed loop, {args.clients} clients): {len(baseline)} requests, "
        f"{len(baseline) / args.baseline_seconds:.0f}/s, p50 {base_p['p50']:.1f} ms, p95 {base_p['p95']:.1f} ms"
    )
    if args.interval:
        print(
            f"offered: {offered} saves started in {elapsed:.1f} s = {offered / elapsed:.1f}/s "
            f"(nominal {args.clients / args.interval:.1f}/s; {missed} slots skipped because a save overran)"
        )
    print(
        f"achieved: {len(saves)} accepted saves in {elapsed:.1f} s = {len(saves) / elapsed:.1f} saves/s; "
        f"412 conflicts (re-read and retried): {conflicts}"
    )
    ratio = percentiles(saves)["p95"] / base_p["p95"]
    print(f"save latency (accepted PATCH request): {figures(saves)}  (p95 / baseline p95 = {ratio:.1f})")
    if conflicts:
        print(f"412 latency (refused PATCH request): {figures(gather('conflict_latencies'))}")
        print(f"re-read latency (GET after 412): {figures(gather('read_latencies'))}")
    print(f"save latency incl. re-reads and retries after 412: {figures(gather('task_latencies'))}")


def main() -> int:
    args = parse_args()
    recreate_database(args.database_url)
    env = server_environment(args)
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        set_up_django(args.database_url)
        tokens, annotation_ids = create_fixtures(args.clients, args.per_annotation)
        server = start_gunicorn(args, env)
        wait_until_serving(args.port, tokens[0])

        baseline: list[float] = []
        barrier = threading.Barrier(args.clients)
        run_threads([(baseline_loop, (args.port, token, args.baseline_seconds, barrier, baseline)) for token in tokens])

        records = [Record() for _ in tokens]
        barrier = threading.Barrier(args.clients + 1)
        targets = [
            (save_loop, (args.port, token, annotation_ids[i // args.per_annotation], i, args, barrier, records[i]))
            for i, token in enumerate(tokens)
        ]
        runner = threading.Thread(target=run_threads, args=(targets,))
        runner.start()
        barrier.wait()
        began = time.perf_counter()
        runner.join()
        elapsed = time.perf_counter() - began

        report(args, records, baseline, elapsed, len(annotation_ids))
        problems = [error for record in records for error in record.errors] + verify(records, annotation_ids)
        from django.db import connection

        connection.close()
        if problems:
            print("FAILED:", *problems[:20], sep="\n  ")
            return 1
        print("verified: every accepted save is stored with its content; version numbers are gapless")
        return 0
    finally:
        if server is not None:
            stop(server)
        if not args.keep_db:
            drop_database(args.database_url)


if __name__ == "__main__":
    sys.exit(main())
