"""Benchmark: `rebuild_derived` (annotations.derived.rebuild) at 1,000,000 claims, and agreement's
answers from the maintained sums.

Usage: python bench/rebuild.py [--claims 1000000] [--db NAME] [--pairs 200000] [--runs 30]

Uses the shared seeded database (bench/harness.py: `bench_scale_<N>`, or --db), migrated. So that
agreement has work to read, --pairs claims get a second submitted annotation by another reviewer
(bench data written around the services, once; a verdict that differs from the first for one in
three), which the rebuild then counts like any other history.

Prints, for each derived table, the rebuild's time next to the baseline measured in the same run:
a bare `SELECT count(*)` of every source table the rebuild reads (the cost of one pass over the
history). Then the server-side time of agreement over everything, one language, a range of days
and one hour (p50, p95 over --runs): the target is p95 under 100 ms whatever the scope.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
SOURCE_TABLES = ("article", "claim", "annotation", "annotationversion", "reviewtransition", "publication")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="database name (default: bench_scale_<claims>)")
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    return parser.parse_args()


def add_pairs(pairs: int) -> None:
    """A second submitted annotation (version 1, another reviewer) on the first `pairs` claims."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM annotations_annotation GROUP BY claim_id HAVING COUNT(*) > 1) p"
        )
        if cursor.fetchone()[0] >= pairs:
            return
        print(f"# adding a second submitted annotation to {pairs} claims ...", flush=True)
        cursor.execute("SELECT id FROM auth_user WHERE username LIKE 'bench-reviewer-%%' ORDER BY id")
        reviewers = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            WITH chosen AS (
                SELECT a.claim_id, a.reviewer_id, v.verdict_id, a.updated_at, v.confidence,
                       v.rationale_cell, v.evidence_urls_cell, v.annotated_at_cell
                  FROM annotations_annotation a
                  JOIN annotations_annotationversion v ON v.annotation_id = a.id AND v.number = a.version
                 ORDER BY a.claim_id LIMIT %s
            ), added AS (
                INSERT INTO annotations_annotation (status, version, created_at, updated_at, reviewer_id, claim_id)
                SELECT 'submitted', 1, updated_at, updated_at,
                       (%s::int[])[1 + ((array_position(%s::int[], reviewer_id) %% %s))], claim_id
                  FROM chosen
                RETURNING id, claim_id, created_at, reviewer_id
            )
            INSERT INTO annotations_annotationversion
                (number, confidence, rationale, evidence, change_note, created_at, annotation_id, author_id, verdict_id,
                 rationale_cell, evidence_urls_cell, annotated_at_cell)
            SELECT 1, c.confidence, '', '[]', '', ad.created_at, ad.id,
                   ad.reviewer_id,
                   CASE WHEN ad.claim_id %% 3 = 0
                        THEN (SELECT id FROM annotations_verdict WHERE id <> c.verdict_id ORDER BY id LIMIT 1)
                        ELSE c.verdict_id END,
                   '', '', c.annotated_at_cell
              FROM added ad JOIN chosen c ON c.claim_id = ad.claim_id
            """,
            [pairs, reviewers, reviewers, len(reviewers)],
        )
        cursor.execute("ANALYZE annotations_annotation")
        cursor.execute("ANALYZE annotations_annotationversion")


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def baseline() -> dict[str, float]:
    from django.db import connection

    seconds = {}
    with connection.cursor() as cursor:
        for table in SOURCE_TABLES:
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM annotations_{table}")
            cursor.fetchone()
            seconds[table] = time.perf_counter() - started
    return seconds


def agreement_rows(runs: int) -> None:
    import datetime

    from annotations.agreement import agreement
    from annotations.models import PairedClaim

    newest = PairedClaim.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    day = datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(newest.astimezone(datetime.UTC).date(), datetime.time(), tzinfo=datetime.UTC)
    scopes = {
        "everything": {},
        "language it": {"language": "it"},
        "last 30 days (dates)": {"date_from": midnight - datetime.timedelta(days=29), "date_to": midnight + day},
        "last 30 days (instants)": {"date_from": newest - datetime.timedelta(days=30), "date_to": newest},
        "one hour (instants)": {"date_from": newest - datetime.timedelta(hours=1), "date_to": newest},
    }
    print(f"\n{'agreement scope':28} {'p50 ms':>8} {'p95 ms':>8}  claims  disagreeing  alpha")
    for name, scope in scopes.items():
        for _ in range(3):
            result = agreement(**scope)
        samples = sorted(timed(lambda scope=scope: agreement(**scope)) * 1000 for _ in range(runs))
        p95 = samples[int(0.95 * (len(samples) - 1))]
        alpha = "none" if result.alpha is None else f"{result.alpha:.4f}"
        print(
            f"{name:28} {statistics.median(samples):8.1f} {p95:8.1f}  {result.claims:6}  "
            f"{result.disagreement_count:11}  {alpha}"
        )


def main() -> None:
    args = parse_args()
    name = args.db or harness.scale_database(SERVER, args.claims).rsplit("/", 1)[1]
    url = harness.ensure_database(name, SERVER)
    harness.prepare(SERVER, url, args.claims)
    os.environ.update(harness.env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    add_pairs(args.pairs)

    from annotations import derived

    base = baseline()
    total_base = sum(base.values())
    print(f"baseline: SELECT count(*) of {len(base)} source tables: {total_base:.2f} s "
          f"({', '.join(f'{t} {s:.2f}' for t, s in base.items())})")  # fmt: skip
    print(f"\n{'derived table':24} {'rows':>10} {'seconds':>9} {'x baseline':>11}")
    rows = []

    def progress(table: str, written: int, seconds: float) -> None:
        rows.append(seconds)
        print(f"{table:24} {written:10} {seconds:9.2f} {seconds / total_base:11.1f}", flush=True)

    started = time.perf_counter()
    derived.rebuild(progress=progress)
    elapsed = time.perf_counter() - started
    print(f"{'all (rebuild_derived)':24} {'':10} {elapsed:9.2f} {elapsed / total_base:11.1f}")
    agreement_rows(args.runs)


if __name__ == "__main__":
    main()
