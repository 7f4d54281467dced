"""Import N generated ClaimReview items from a DataFeed file; print time and peak memory, against a
baseline measured in the same run: only reading the same file (ijson stream, records built, no database).

    DATABASE_URL=postgres://.../bench_priors python bench/prior_import.py --items 100000

The database named by DATABASE_URL is migrated and its prior fact-checks emptied first. Memory is the
tracemalloc peak of Python allocations during the import, printed for N/10 and N items: flat means the
two are alike. A second import of the same file shows the re-import (every item unchanged).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import pgtrigger
    from django.db import connection

    from annotations.models import PriorFactCheck
    from annotations.priors import readers
    from annotations.priors.claimreview import ItemRefused, record_from_item
    from annotations.priors.importing import import_items
    from annotations.priors.samples import write_datafeed

    def empty_priors() -> None:
        # The change history is append-only (it refuses TRUNCATE): let this benchmark's own reset through.
        with pgtrigger.ignore("annotations.PriorFactCheckChange:append_only_table"), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PriorFactCheck._meta.db_table} CASCADE")

    def feed(count: int) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as out:
            write_datafeed(out, count)
        return out.name

    def measure(label: str, work) -> None:
        tracemalloc.start()
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label:<44} {elapsed:7.2f} s  peak {peak / 1e6:6.1f} MB  {result}")

    def read_only(path: str):
        with open(path, "rb") as stream:
            count = 0
            for _position, item in readers.read_items(stream, "datafeed"):
                if not isinstance(item, ItemRefused):
                    record_from_item(item)
                    count += 1
            return f"{count} records"

    def import_file(path: str):
        with open(path, "rb") as stream:
            counts = import_items(readers.read_items(stream, "datafeed"), source_kind="file", source=path)
        return f"new {counts.new} updated {counts.updated} unchanged {counts.unchanged} refused {counts.refused}"

    for count in (args.items // 10, args.items):
        path = feed(count)
        size = os.path.getsize(path) / 1e6
        empty_priors()
        print(f"--- {count} items, feed file {size:.1f} MB")
        measure("baseline: stream and parse only", lambda p=path: read_only(p))
        measure("import (empty table)", lambda p=path: import_file(p))
        measure("re-import (all unchanged)", lambda p=path: import_file(p))
        os.unlink(path)


if __name__ == "__main__":
    main()
