"""Benchmark: bulk assignment of 10,000 claims in one request (POST /api/v1/assignments/) at N claims.

Usage: python bench/assign.py [--claims 1000000] [--runs 20] [--batch 10000] [--reviewers 1] [--db NAME]

Seeds the bench database once with `seed_benchmark` (bench/harness.py: 1,000,000 claims take ~12 min on
a shared 2-core machine) and migrates it. Each run assigns a fresh set of --batch claims (ids spread over
the whole table, so no run hits a warm range) to --reviewers reviewers with a due date, through Django's test
client in process: the whole request, its one transaction and the notifications it writes. Prints p50
and p95 against a trivial response (/verdicts.css) measured in the same run, and the queries per
request (constant in --batch). Target (DESIGN.md): p95 under 1 s at 1,000,000 claims. The assignments it
made are deleted at the end.
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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=1, help="reviewers per request (rows = batch x reviewers)")
    parser.add_argument("--db", default=None, help="default: the shared bench_scale_<claims>")
    return parser.parse_args()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main():
    args = parse_args()
    server = "postgres://postgres@127.0.0.1:5432"
    url = f"{server}/{args.db}" if args.db else harness.scale_database(server, args.claims)
    harness.prepare(server, url, args.claims)
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from annotations.models import Assignment, Claim, Notification

    users = get_user_model().objects
    editor, _ = users.get_or_create(username="bench-assign-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    reviewers = []
    for name in [f"bench-assign-r{n}" for n in range(1, args.reviewers + 1)]:
        user, _ = users.get_or_create(username=name)
        user.groups.add(Group.objects.get(name="reviewer"))
        reviewers.append(name)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    total = Claim.objects.count()
    low = Claim.objects.order_by("id").values_list("id", flat=True).first()
    stride = max(1, total // args.batch)
    due = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)).isoformat()

    baseline = []
    for _ in range(args.runs + 3):
        started = time.perf_counter()
        client.get("/verdicts.css")
        baseline.append((time.perf_counter() - started) * 1000)
    baseline = baseline[3:]

    samples, queries = [], []
    for run in range(args.runs + 2):
        # A fresh spread of ids each run: offset `run` within each stride (repeating once the stride is used up).
        ids = list(range(low + run % stride, low + run % stride + stride * args.batch, stride))[: args.batch]
        body = {"claims": ids, "reviewers": reviewers, "due": due}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post("/api/v1/assignments/", body, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 201, response.content[:500]
        if run >= 2:  # the first two warm the caches
            samples.append(elapsed)
            queries.append(len(captured))
    made = Assignment.objects.filter(reviewer__username__in=reviewers)
    print(f"\n{total} claims; {args.batch} claims x {len(reviewers)} reviewers per request, {args.runs} runs")
    print("(a machine shared with others: read the ratio to the baseline measured in the same run)\n")
    print(f"{'request':40} {'p50 ms':>8} {'p95 ms':>8} {'p95 / baseline':>15}")
    print(f"{'baseline /verdicts.css':40} {statistics.median(baseline):8.1f} {p95(baseline):8.1f} {1.0:15.1f}")
    name = f"POST /assignments/ ({args.batch} claims)"
    print(f"{name:40} {statistics.median(samples):8.1f} {p95(samples):8.1f} {p95(samples) / p95(baseline):15.1f}")
    print(f"\nqueries per request: {sorted(set(queries))}; assignments made: {made.count()}; target p95 < 1000 ms")
    Notification.objects.filter(recipient__username__in=reviewers).delete()
    made.delete()


if __name__ == "__main__":
    main()
