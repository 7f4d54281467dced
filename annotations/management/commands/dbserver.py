"""Show, start or stop the embedded PostgreSQL server (used when DATABASE_URL is unset)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from factcheck.embedded_db import server


class Command(BaseCommand):
    help = "Show (status), start or stop the embedded PostgreSQL server under var/pg."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["status", "start", "stop"], default="status")

    def handle(self, *args, action: str, **options):
        embedded = connection.settings_dict.get("EMBEDDED")
        if embedded is None:
            db = connection.settings_dict
            raise CommandError(
                f"DATABASE_URL is set: the database is the server at {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}, "
                "which this command does not manage."
            )
        data_dir = embedded["DATA_DIR"]
        if action == "start":
            self._show(server.ensure_running(data_dir, database=embedded["DATABASE"]), embedded)
        elif action == "stop":
            stopped = server.stop(data_dir)
            self.stdout.write(f"stopped the server on {data_dir}" if stopped else f"not running (data in {data_dir})")
        else:
            running = server.status(data_dir)
            if running is None:
                self.stdout.write(f"not running (data in {data_dir}; started by the next connection)")
            else:
                self._show(running, embedded)

    def _show(self, running: server.Running, embedded: dict) -> None:
        url = running.url(embedded["DATABASE"])
        self.stdout.write(f"running: pid {running.pid}, {url}, data in {embedded['DATA_DIR']}")
