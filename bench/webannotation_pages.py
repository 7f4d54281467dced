"""Benchmark: the served Web Annotation pages, the first (the collection) against a deep one.

Usage: python bench/webannotation_pages.py [--claims 100000] [--runs 15] [--url postgres://.../db]

Uses the bench database `bench_scale_<N>` on 127.0.0.1:5432 (built once with migrate and
`seed_benchmark`, as bench/pages.py does), or the database at --url. Each row is the server time of
one request through Django's test client (in-process; the streamed body read to its end), p50 and
p95 over --runs after two warm-up requests, for the published verdicts, for `versions=all` and for
the published verdicts of Italian articles (`language=it`): the collection (page=1: its first 1,000
items and the `total` count), the second page (from the collection's `next` link), and pages 90% of
the way down, forwards and backwards (cursors made once, outside the timings). Keyset pages: the deep
page should cost what the second does (ratio near 1), where an OFFSET page grew with its depth.
The machine is shared: compare ratios, not milliseconds.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SERVER_URL = "postgres://postgres@127.0.0.1:5432"
URL = "/api/v1/exports/webannotation.jsonld"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--url", help="an already seeded database (default: bench_scale_<claims>)")
    return parser.parse_args()


def setup(args) -> None:
    import harness  # bench/harness.py

    url = args.url
    if url is None:
        url = harness.scale_database(SERVER_URL, args.claims)
        harness.prepare(SERVER_URL, url, args.claims)
    os.environ.update({**harness.env(url), "ALLOWED_HOSTS": "testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()


def deep_cursor(filters, fraction: float, *, backwards: bool) -> str:
    """A cursor `fraction` of the way down the collection (found with OFFSET once, outside the timings)."""
    from django.db import connection

    from annotations.exports import query, webannotation

    sql, params = query.rows_sql(filters, connection)
    names = [name for _, name in query.page_order(filters)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS r", params)
        at = int(cursor.fetchone()[0] * fraction)
        cursor.execute(f"SELECT {', '.join(names)} FROM ({sql}) AS r OFFSET %s LIMIT 1", [*params, at])
        edge = cursor.fetchone()
    # Forwards the page starts after the edge row; backwards it ends before it.
    cursor_at = at if backwards else at + 1
    return webannotation.encode_page(filters, webannotation.PageCursor(tuple(edge), backwards, cursor_at))


def timed(client, params: dict, runs: int) -> tuple[float, float, dict]:
    def once():
        started = time.perf_counter()
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        body = b"".join(response.streaming_content)
        return (time.perf_counter() - started) * 1000, body

    for _ in range(2):
        once()
    times = []
    for _ in range(runs):
        elapsed, body = once()
        times.append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, json.loads(body)


def main() -> None:
    args = parse_args()
    setup(args)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from annotations.exports.filters import parse_filters

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    print(f"{'collection':<16} {'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'items':>6} {'startIndex':>10}")
    collections = (("published", {}), ("versions=all", {"versions": "all"}), ("language=it", {"language": "it"}))
    for label, params in collections:
        filters = parse_filters(params)
        rows = {}
        first_p50, first_p95, collection = timed(client, {**params, "page": 1}, args.runs)
        rows["page 1 (collection)"] = (first_p50, first_p95, collection["first"])
        second = collection["first"]["next"].rsplit("page=", 1)[1]
        rows["page 2"] = timed(client, {**params, "page": second}, args.runs)
        rows["90% deep, forwards"] = timed(
            client, {**params, "page": deep_cursor(filters, 0.9, backwards=False)}, args.runs
        )
        rows["90% deep, backwards"] = timed(
            client, {**params, "page": deep_cursor(filters, 0.9, backwards=True)}, args.runs
        )
        for name, (p50, p95, page) in rows.items():
            print(f"{label:<16} {name:<26} {p50:>8.1f} {p95:>8.1f} {len(page['items']):>6} {page['startIndex']:>10}")
        deep = rows["90% deep, forwards"][0]
        print(
            f"{label:<16} deep / page 2 (p50): {deep / rows['page 2'][0]:.2f}; "
            f"deep / page 1 (p50): {deep / first_p50:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
