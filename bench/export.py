"""Benchmark the CSV export against the physical limit: HTTP through gunicorn versus a bare COPY of a flat table.

    python bench/export.py --claims 1000000 [--port 8400] [--database-url postgres://postgres@127.0.0.1:5432]

Seeds (or reuses) two databases, bench_scale_<N/10> and bench_scale_<N> (shared with search.py and pages.py), with
`manage.py seed_benchmark` (which also analyses what it wrote). For each, it
first writes a flat table, bench_flat_export, holding exactly the rows the export
sends (its formatted cells, in its order). Then, interleaved `--repeat` times so
both see the same background load: a fresh gunicorn (one sync worker, DEBUG off),
one warm-up request, then GET /api/v1/exports/verdicts.csv with token auth reading
the whole body (the worker's peak RSS, VmHWM, read after it); and
`COPY bench_flat_export TO STDOUT WITH (FORMAT csv, HEADER)` through psycopg2 into
a null sink. Prints the best of each, their ratio and the peak memory, and the time of one
`?as_of=now` export of the same rows (rebuilt from the publication log); asserts nothing.
"""

import argparse
import datetime
import http.client
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import harness
import psycopg2

ROOT = Path(__file__).resolve().parent.parent


class NullSink:
    """Counts what COPY sends and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data) -> None:
        self.size += len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best time counts (noisy hosts).")
    args = parser.parse_args()
    print(f"{'claims':>10} {'http s':>8} {'flat copy s':>11} {'ratio':>6} {'MB':>7} {'worker peak RSS MB':>19} "
          f"{'as_of s':>8}")  # fmt: skip
    for claims in (max(1, args.claims // 10), args.claims):
        url = harness.scale_database(args.database_url, claims)
        harness.prepare(args.database_url, url, claims)
        token = harness.editor_token(url)
        _flat_table(url)
        http_runs, copy_runs, peaks = [], [], []
        for _ in range(args.repeat):  # interleaved, so both see the same background load
            http_seconds, size, peak_kb = _http_export(url, token, args.port)
            http_runs.append(http_seconds)
            peaks.append(peak_kb)
            copy_seconds, copy_size = _bare_copy(url)
            copy_runs.append(copy_seconds)
            if size - copy_size != claims + 1:  # the HTTP file ends each record with CRLF, COPY with LF
                print(f"# WARNING: HTTP sent {size} bytes, the flat COPY {copy_size}: not the same rows", flush=True)
        print(f"# {claims}: http runs {_list(http_runs)}, copy runs {_list(copy_runs)}", flush=True)
        http_seconds, copy_seconds, peak_kb = min(http_runs), min(copy_runs), max(peaks)
        # The same rows as of now, rebuilt from the publication log (the history path), once.
        as_of = urllib.parse.urlencode({"as_of": datetime.datetime.now(datetime.UTC).isoformat()})
        as_of_seconds, as_of_size, _ = _http_export(url, token, args.port, query=as_of)
        if as_of_size != size:
            print(f"# WARNING: as_of sent {as_of_size} bytes, the export {size}", flush=True)
        print(
            f"{claims:>10} {http_seconds:>8.2f} {copy_seconds:>11.2f} {http_seconds / copy_seconds:>6.2f} "
            f"{size / 1e6:>7.1f} {peak_kb / 1024:>19.1f} {as_of_seconds:>8.2f}",
            flush=True,
        )


def _list(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def _http_export(url: str, token: str, port: int, *, query: str = "") -> tuple[float, int, int]:
    command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
               "--worker-class", "sync", "--timeout", "600"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=harness.env(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        harness.wait_for_port(port, server)
        worker = _child_pid(server.pid)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        # Warm up: the first request imports the URLconf and views, a fixed cost unrelated to the export.
        connection.request("GET", "/api/v1/exports/", headers={"Authorization": f"Token {token}"})
        connection.getresponse().read()
        started = time.perf_counter()
        path = "/api/v1/exports/verdicts.csv" + (f"?{query}" if query else "")
        connection.request("GET", path, headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {response.read()[:500]!r}")
        size = 0
        while block := response.read(1 << 20):
            size += len(block)
        seconds = time.perf_counter() - started
        connection.close()
        return seconds, size, _peak_rss_kb(worker)
    finally:
        server.terminate()
        server.wait(timeout=30)


FLAT_TABLE = "bench_flat_export"


def _flat_table(url: str) -> None:
    """The physical limit's table: exactly the export's rows (formatted cells, in order), built by the
    app's own query code. COPY of it is what any export of these rows must at least cost."""
    code = (
        "import sys; from django.db import connection; "
        "from annotations.exports.filters import parse_filters; from annotations.exports.query import copy_sql; "
        "sql = copy_sql(parse_filters({}), connection); "
        "inner = sql[len('COPY ('):sql.rindex(') TO STDOUT')]; "
        "cursor = connection.cursor(); "
        f"cursor.execute('DROP TABLE IF EXISTS {FLAT_TABLE}'); "
        f"cursor.execute('CREATE TABLE {FLAT_TABLE} AS ' + inner); "
        f"cursor.execute('VACUUM ANALYZE {FLAT_TABLE}')"
    )
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}", url],
        cwd=ROOT,
        env={**harness.env(url), "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        check=True,
    )


def _bare_copy(url: str) -> tuple[float, int]:
    """COPY of the flat table into a null sink, through psycopg2 as the app does."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            sink = NullSink()
            cursor.copy_expert(f"COPY {FLAT_TABLE} TO STDOUT WITH (FORMAT csv, HEADER)", sink)
            return time.perf_counter() - started, sink.size
    finally:
        connection.close()


def _child_pid(parent: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
