"""manage.py compile_catalogues [--force]: compile locale/*/LC_MESSAGES/*.po to .mo with Babel."""

from django.core.management.base import BaseCommand

from factcheck.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po to .mo) without GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile every catalogue, even if up to date.")

    def handle(self, *args, force=False, **options):
        written = compile_catalogues(force=force)
        self.stdout.write(f"{len(written)} catalogue(s) compiled.")
