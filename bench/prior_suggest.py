"""Benchmark "Checked before?" (GET /api/v1/claims/{id}/similar/: the desk's similar claims and prior
fact-checks ranked together) and a claim search that includes prior fact-checks (GET
/api/v1/claims/?q=…&include=prior, two words of a claim or of a prior fact-check, beside the same search
without them) over HTTP,
beside a trivial request in the same run.

    python bench/prior_suggest.py --claims 1000000 --priors 200000 [--port 8324] [--requests 300]
        [--database-url postgres://postgres@127.0.0.1:5432]

Seeds (or reuses) the database bench_priors_<claims> with `manage.py seed_benchmark` (claims), then imports
generated ClaimReview items (annotations.priors.samples, through the real importer) up to --priors, runs
VACUUM ANALYZE, starts gunicorn (one sync worker) and sends, interleaved so both see the same background
load: the baseline (GET /api/v1/verdicts/), "Checked before?" of a random claim and the search. Prints p50/p95 in ms,
the ratio to the baseline and how many suggestions were prior fact-checks. Asserts nothing.
"""

import argparse
import http.client
import json
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import harness
import psycopg2

ROOT = Path(__file__).resolve().parent.parent


def seed_priors(url: str, wanted: int) -> None:
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM annotations_priorfactcheck")
        existing = cursor.fetchone()[0]
    if existing >= wanted:
        return
    started = time.perf_counter()
    # The real importer, in a process of its own against the bench database.
    script = f"""
import os, tempfile, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
django.setup()
from annotations.priors import readers
from annotations.priors.importing import import_items
from annotations.priors.samples import write_datafeed
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
    write_datafeed(out, {wanted}, seed=24)
with open(out.name, "rb") as stream:
    import_items(readers.read_items(stream, "datafeed"), source_kind="file", source="bench")
os.unlink(out.name)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=harness.env(url), check=True)
    print(f"# imported {wanted - existing} prior fact-checks in {time.perf_counter() - started:.1f} s", flush=True)
    db = psycopg2.connect(url)
    db.autocommit = True
    db.cursor().execute("VACUUM ANALYZE annotations_priorfactcheck")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--priors", type=int, default=200_000)
    parser.add_argument("--port", type=int, default=8324)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    url = f"{args.database_url.rstrip('/')}/bench_priors_{args.claims}"
    harness.prepare(args.database_url, url, args.claims)
    seed_priors(url, args.priors)
    rng = random.Random(24)
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM annotations_claim")
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT id, exact FROM annotations_claim WHERE id = ANY(%s)",
            [[rng.randint(low, high) for _ in range(3 * args.requests)]],
        )
        claims = cursor.fetchall()[: args.requests]
        # Half the searches use words of a claim, half words of a prior fact-check (so both kinds are found).
        cursor.execute(
            "SELECT claim_reviewed FROM annotations_priorfactcheck TABLESAMPLE SYSTEM (5) LIMIT %s", [args.requests]
        )
        texts = [text for (text,) in cursor.fetchall()] + [exact for _, exact in claims]
    claim_ids = [claim_id for claim_id, _ in claims]
    rng.shuffle(texts)
    searches = [" ".join(word for word in text.split() if len(word) > 4)[:40] or text[:20] for text in texts]
    token = harness.editor_token(url)
    command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", "1",
               "--worker-class", "sync", "--timeout", "120"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=harness.env(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    timings: dict[str, list[float]] = {"baseline": [], "checked before?": [], "search": [], "search +prior": []}
    priors_shown = suggestions_shown = searched_priors = 0
    try:
        harness.wait_for_port(args.port, server)
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        headers = {"Authorization": f"Token {token}"}
        for claim_id in claim_ids[:5]:  # warm-up: imports, connection, caches
            harness.timed_get(connection, "/api/v1/verdicts/", headers)
            harness.timed_get(connection, f"/api/v1/claims/{claim_id}/similar/", headers)
        for claim_id in claim_ids:
            timings["baseline"].append(harness.timed_get(connection, "/api/v1/verdicts/", headers)[0])
            seconds, body = harness.timed_get(connection, f"/api/v1/claims/{claim_id}/similar/", headers)
            timings["checked before?"].append(seconds)
            found = json.loads(body)
            suggestions_shown += len(found)
            priors_shown += sum(1 for s in found if "prior_factcheck" in s)
            words = " ".join(searches.pop().split()[:2])
            timings["search"].append(
                harness.timed_get(connection, f"/api/v1/claims/?{urllib.parse.urlencode({'q': words})}", headers)[0]
            )
            query = urllib.parse.urlencode({"q": words, "include": "prior"})
            seconds, body = harness.timed_get(connection, f"/api/v1/claims/?{query}", headers)
            timings["search +prior"].append(seconds)
            searched_priors += sum(1 for r in json.loads(body)["results"] if r["type"] == "prior_factcheck")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"# {args.claims} claims, {args.priors} prior fact-checks, {len(claim_ids)} requests, shared host")
    harness.print_latencies(timings)
    print(f"# suggestions shown: {suggestions_shown}, of which prior fact-checks: {priors_shown}")
    print(f"# prior fact-checks on the searches' first pages: {searched_priors}")


if __name__ == "__main__":
    main()
