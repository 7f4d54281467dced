"""Benchmark: the desk's figures (GET /api/v1/stats/ and /dashboard/) at 100,000 or 1,000,000 claims.

Usage: python bench/stats.py [--claims 100000] [--runs 50] [--db bench_desk_stats]

Builds (once per size; a bigger --claims adds the difference) a PostgreSQL database
on 127.0.0.1:5432 with `seed_benchmark`, then spreads the seeded work over two
years (seed_benchmark puts it all within hours; a desk works every day) and puts
one annotation in fifty back to "submitted" so the backlog has something waiting,
rebuilds the derived tables (`derived.rebuild()`) and runs ANALYZE. Bench data only: the
spreading rewrites append-only history with triggers off in this database.

Then prints server time (Django's test client, in process: no network) p50/p95
over --runs of each request next to a trivial response measured in the same run
(/verdicts.css), as ratios: the machine is shared, absolute times drift.
Target (DESIGN.md): p95 under 100 ms, the same at 100,000 claims as at 1,000,000.
bench/pages.py measures the same requests (`stats_paths`) beside every list and page.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPREAD_DAYS = 730


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", default="bench_desk_stats")
    return parser.parse_args()


def build(claims: int) -> None:
    """Seed up to `claims` claims, spread their work over SPREAD_DAYS days, recount, analyse."""
    from django.core.management import call_command
    from django.db import connection

    from annotations import derived
    from annotations.models import Annotation, Claim

    call_command("migrate", verbosity=0)
    missing = claims - Claim.objects.count()
    if missing > 0:
        print(f"seeding {missing} claims ...", flush=True)
        call_command("seed_benchmark", claims=missing)
    elif Annotation.objects.filter(status="submitted").exists():  # spread and counted before
        return
    print("spreading the work over two years, recounting ...", flush=True)
    base = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=SPREAD_DAYS)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # the append-only triggers, this session only
        # Day of a claim's work: its id modulo SPREAD_DAYS; the hour from its id too.
        shift = "(%s::timestamptz + ((c.id %% {d}) || ' days')::interval + ((c.id %% 20) || ' hours')::interval)"
        shift = shift.format(d=SPREAD_DAYS)
        cursor.execute(
            f"UPDATE annotations_annotation a SET created_at = {shift}, updated_at = {shift} + interval '2 hours'"
            " FROM annotations_claim c WHERE c.id = a.claim_id",
            [base, base],
        )
        cursor.execute(
            f"UPDATE annotations_reviewtransition t SET created_at = {shift} + interval '1 hour'"
            " FROM annotations_annotation a JOIN annotations_claim c ON c.id = a.claim_id WHERE a.id = t.annotation_id",
            [base],
        )
        cursor.execute(
            f"UPDATE annotations_publication p SET created_at = {shift} + interval '2 hours'"
            " FROM annotations_claim c WHERE c.id = p.claim_id",
            [base],
        )
        cursor.execute("UPDATE annotations_annotation SET status = 'submitted' WHERE id % 50 = 0")
        cursor.execute("SET session_replication_role = DEFAULT")
    derived.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed_gets(client, path: str, runs: int) -> list[float]:
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def stats_paths(article: int) -> list[tuple[str, str]]:
    """The desk's figures: (name, path) of the stats requests and the dashboard, `article` for the one-article
    figures (bench/pages.py measures these too)."""
    year_ago = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=365)).isoformat()
    return [
        ("api stats, last 30 days", "/api/v1/stats/"),
        ("api stats, 366 days", f"/api/v1/stats/?date_from={year_ago}"),
        ("api stats, 366 days, language=it", f"/api/v1/stats/?date_from={year_ago}&language=it"),
        ("api stats, one article, 366 days", f"/api/v1/stats/?article={article}&date_from={year_ago}"),
        ("page dashboard, last 30 days", "/dashboard/"),
        ("page dashboard, 366 days", f"/dashboard/?date_from={year_ago}"),
    ]


def stats_rows(runs: int = 50) -> list[tuple[str, float, float]]:
    """(name, p50 ms, p95 ms) of the stats requests and the trivial baseline, on the current database."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from annotations.models import Article

    editor, _ = get_user_model().objects.get_or_create(username="bench-stats-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    article = Article.objects.order_by("-pk").values_list("pk", flat=True)[Article.objects.count() // 2]
    rows = []
    for name, path in [("baseline /verdicts.css", "/verdicts.css"), *stats_paths(article)]:
        samples = timed_gets(client, path, runs)
        rows.append((name, statistics.median(samples), p95(samples)))
    return rows


def main():
    args = parse_args()
    os.environ["DATABASE_URL"] = harness.ensure_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["CONN_MAX_AGE"] = "600"
    import django

    django.setup()
    from annotations.models import Claim

    build(args.claims)
    rows = stats_rows(args.runs)
    baseline = rows[0][2]
    print(f"\n{Claim.objects.count()} claims; server time through Django's test client, {args.runs} runs each")
    print("(a machine shared with others: read the ratios to the baseline measured in the same run)\n")
    print(f"{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'p95 / baseline':>15}")
    for name, median, high in rows:
        print(f"{name:34} {median:8.1f} {high:8.1f} {high / baseline:15.1f}")


if __name__ == "__main__":
    main()
