"""python manage.py import_articles FILE... : import .txt, .json and .jsonl articles, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ...importing import ImportFailed, import_articles, parse_file


class Command(BaseCommand):
    help = "Import articles from .txt (first line is the title), .json and .jsonl files, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--language", help="language for records that give none (needed for .txt)")
        parser.add_argument("--publisher", default="", help="publisher for records that give none")
        parser.add_argument("--url", default="", help="source URL for records that give none")

    def handle(self, *args, files, language, publisher, url, **options):
        defaults = {
            key: value for key, value in (("language", language), ("publisher", publisher), ("url", url)) if value
        }
        try:
            records = [record for path in files for record in parse_file(path, defaults)]
            with tqdm(total=len(records), unit="article", disable=options["verbosity"] == 0) as bar:
                articles = import_articles(records, progress=bar.update)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from error
        except ImportFailed as failure:
            for error in failure.errors:
                where = f"{error.source}:{error.line}" if error.source else f"line {error.line}"
                self.stderr.write(f"{where}: {error.field}: {error.message}")
            raise CommandError(str(failure)) from failure
        self.stdout.write(self.style.SUCCESS(f"Imported {len(articles)} article(s) from {len(files)} file(s)."))
