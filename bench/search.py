"""Benchmark claim search and similar-claim suggestions over HTTP, beside a trivial request in the same run.

    python bench/search.py --claims 1000000 [--port 8301] [--requests 300]
        [--database-url postgres://postgres@127.0.0.1:5432]

Seeds (or reuses) the database bench_scale_<N> (shared with export.py and pages.py) with `manage.py
seed_benchmark` (claims with varied words in English, Italian and Russian, names and figures; the
search vectors are generated columns, filled as the rows go in), runs VACUUM ANALYZE, starts
gunicorn (one sync worker) and, with token auth, sends in turn: the baseline (GET /api/v1/verdicts/,
a one-query list through the same middleware and auth), a search (GET /api/v1/claims/?q=) from a mix
of rare words, common words and two-word queries, and similar claims (GET
/api/v1/claims/{id}/similar/) of a random claim. Interleaved, so all three see the same background
load; prints p50/p95 in ms and the ratio to the baseline. Asserts nothing. The host is shared: read
the ratios."""

import argparse
import http.client
import os
import random
import subprocess
import sys
import urllib.parse
from pathlib import Path

import harness
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
COMMON = ["minister", "government", "spending", "budget", "governo", "ministro", "spesa", "prices", "bilancio"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--requests", type=int, default=300, help="Requests of each kind.")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    url = harness.scale_database(args.database_url, args.claims)
    harness.prepare(args.database_url, url, args.claims)
    rng = random.Random(7)
    rare, claim_ids = _sample(url, rng)
    queries = _queries(rng, rare, args.requests)
    token = harness.editor_token(url)
    timings: dict[str, list[float]] = {"baseline": [], "search": [], "search rare": [], "search common": []}
    timings["similar"] = []
    command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", "1",
               "--worker-class", "sync", "--timeout", "120"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=harness.env(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        harness.wait_for_port(args.port, server)
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        headers = {"Authorization": f"Token {token}"}
        for _ in range(5):  # warm-up: imports, connection, caches
            harness.timed_get(connection, "/api/v1/verdicts/", headers)
            harness.timed_get(connection, f"/api/v1/claims/?q={COMMON[0]}", headers)
            harness.timed_get(connection, f"/api/v1/claims/{claim_ids[0]}/similar/", headers)
        for n, (kind, q) in enumerate(queries):
            timings["baseline"].append(harness.timed_get(connection, "/api/v1/verdicts/", headers)[0])
            seconds = harness.timed_get(connection, "/api/v1/claims/?" + urllib.parse.urlencode({"q": q}), headers)[0]
            timings["search"].append(seconds)
            timings[f"search {kind}"].append(seconds)
            similar = f"/api/v1/claims/{claim_ids[n]}/similar/"
            timings["similar"].append(harness.timed_get(connection, similar, headers)[0])
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"# {args.claims} claims, {args.requests} requests of each kind, shared host: compare ratios")
    harness.print_latencies(timings)


def _sample(url: str, rng: random.Random) -> tuple[list[str], list[int]]:
    """Rare words (seen in few claims) and random claim ids, from the seeded data."""
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM annotations_claim")
        low, high = cursor.fetchone()
        ids = [rng.randint(low, high) for _ in range(2000)]
        cursor.execute("SELECT id, exact FROM annotations_claim WHERE id = ANY(%s)", [ids])
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT most_common_elems::text::text[] FROM pg_stats "
            "WHERE tablename = 'annotations_claim' AND attname = 'search_vector'"
        )
        common = set((cursor.fetchone() or [None])[0] or [])
    vocabulary = {word for words in _seed_words().values() for word in words}
    rare = []
    for _, exact in rows:
        for word in exact.rstrip(".").split():
            # the generated long-tail words (the common vocabulary stems to other lexemes than `common` holds)
            if word.isascii() and word.isalpha() and word.islower() and word not in vocabulary | common:
                rare.append(word)
    rng.shuffle(rare)
    return rare[:1000], [pk for pk, _ in rows]


def _seed_words() -> dict:
    """seed_benchmark's common vocabulary (read from its module, which needs Django set up)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()
    from annotations.management.commands.seed_benchmark import WORDS

    return WORDS


def _queries(rng: random.Random, rare: list[str], count: int) -> list[tuple[str, str]]:
    """Half rare words, a third common words, the rest a common and a rare word together."""
    queries = []
    for n in range(count):
        if n % 6 in (0, 1, 2):
            queries.append(("rare", rng.choice(rare)))
        elif n % 6 in (3, 4):
            queries.append(("common", rng.choice(COMMON)))
        else:
            queries.append(("common", f"{rng.choice(COMMON)} {rng.choice(rare)}"))
    return queries


if __name__ == "__main__":
    main()
