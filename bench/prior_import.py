"""Import N generated ClaimReview items from a DataFeed file; print time and peak memory against a
baseline measured in the same run: only streaming and parsing the same file (no database).

    DATABASE_URL=postgres://.../bench_priors python bench/prior_import.py --items 100000

The database named by DATABASE_URL is migrated and its prior fact-checks emptied first. Each measurement
runs in its own process, so its peak resident memory (ru_maxrss) is its own: flat means N/10 and N alike.
A second import of the same file is the re-import (every item unchanged).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def _setup() -> None:
    import django

    django.setup()


def one(step: str, path: str) -> dict:
    """Run one measurement in this process: 'parse', 'import' or 'reimport'."""
    _setup()
    from annotations.priors import readers
    from annotations.priors.claimreview import ItemRefused, record_from_item
    from annotations.priors.importing import import_items

    started = time.perf_counter()
    with open(path, "rb") as stream:
        if step == "parse":
            records = 0
            for _position, item in readers.read_items(stream, "datafeed"):
                if not isinstance(item, ItemRefused):
                    record_from_item(item)
                    records += 1
            result = f"{records} records"
        else:
            counts = import_items(readers.read_items(stream, "datafeed"), source_kind="file", source=path)
            result = f"new {counts.new} updated {counts.updated} unchanged {counts.unchanged} refused {counts.refused}"
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"elapsed": elapsed, "peak_mb": peak_mb, "result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--one", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return

    _setup()
    import pgtrigger
    from django.core.management import call_command
    from django.db import connection

    from annotations.models import PriorFactCheck
    from annotations.priors.samples import write_datafeed

    call_command("migrate", verbosity=0)

    def empty_priors() -> None:
        # The change history is append-only (it refuses TRUNCATE): let this benchmark's own reset through.
        with pgtrigger.ignore("annotations.PriorFactCheckChange:append_only_table"), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PriorFactCheck._meta.db_table} CASCADE")

    for count in (args.items // 10, args.items):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as out:
            write_datafeed(out, count)
        empty_priors()
        print(f"--- {count} items, feed file {os.path.getsize(out.name) / 1e6:.1f} MB")
        for step, label in (("parse", "baseline: stream and parse only"), ("import", "import (empty table)"),
                            ("reimport", "re-import (all unchanged)")):  # fmt: skip
            output = subprocess.run(
                [sys.executable, __file__, "--one", step, out.name], check=True, capture_output=True, text=True
            ).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            print(
                f"{label:<34} {figures['elapsed']:7.2f} s  peak RSS {figures['peak_mb']:6.1f} MB  {figures['result']}"
            )
        os.unlink(out.name)


if __name__ == "__main__":
    main()
