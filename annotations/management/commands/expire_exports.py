"""Delete export files past their expiry (FACTCHECK['EXPORT_TTL_HOURS']); for cron where Celery beat is not run."""

from django.core.management.base import BaseCommand

from annotations.exports.jobs import expire_jobs


class Command(BaseCommand):
    help = "Expire export jobs whose files are past their expiry, deleting the files."

    def handle(self, *args, **options):
        expired = expire_jobs()
        self.stdout.write(f"Expired {expired} export job(s).")
