"""python manage.py rebuild_derived: recompute every derived table from the history.

The per-article counters, the published export rows, the claims' search fields, the desk's tallies
and agreement's sums (annotations.derived.rebuild), one table at a time with its progress. Safe on
a live desk and idempotent: see annotations.derived.STEPS for how readers and writers fare.
"""

from django.core.management.base import BaseCommand

from annotations import derived


class Command(BaseCommand):
    help = "Recompute every derived table (counters, export rows, search fields, tallies, agreement) from history."

    def handle(self, *args, **options):
        total = len(derived.STEPS)
        done = iter(range(1, total + 1))

        def progress(name: str, rows: int, seconds: float) -> None:
            self.stdout.write(f"[{next(done)}/{total}] {name}: {rows} rows in {seconds:.1f} s", ending="\n")
            self.stdout.flush()

        self.stdout.write(f"Rebuilding {total} derived tables from the history...")
        derived.rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS("Done."))
