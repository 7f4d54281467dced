"""Check the audit trail's hash chain: exits 1 and names the first broken link (an edited, deleted or
inserted event), 0 when every event chains to the one before it."""

from django.core.management.base import BaseCommand, CommandError

from ...audit import verify


class Command(BaseCommand):
    help = "Verify the audit events' hash chain; exit non-zero at the first broken link."

    def handle(self, *args, **options):
        checked, broken = verify()
        if broken is not None:
            raise CommandError(f"The audit chain is broken at {broken} ({checked} events before it are intact).")
        self.stdout.write(f"The audit chain is intact: {checked} events.")
