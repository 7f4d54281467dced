"""Export verdicts to a file from the command line, with a progress bar; same rows and formats as the API.

The file appears only once complete: it is written as FILE.part and renamed.
"""

import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters
from annotations.exports.jobs import writer_for
from annotations.exports.query import count_rows
from annotations.models import ExportJob


class _BarProgress(Progress):
    def __init__(self, bar: tqdm) -> None:
        super().__init__()
        self.bar = bar

    def add(self, rows: int) -> None:
        self.rows += rows
        self.bar.update(rows)


class Command(BaseCommand):
    help = "Export verdicts (published by default) as csv, jsonl, claimreview or webannotation."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=ExportJob.Format.values, default=ExportJob.Format.CSV)
        parser.add_argument("--output", required=True, help="File to write, or - for standard output.")
        parser.add_argument("--article", help="Article id.")
        parser.add_argument("--language", help="BCP 47 tag; 'en' also matches 'en-GB'.")
        parser.add_argument("--verdict", help="Verdict key(s), comma-separated.")
        parser.add_argument("--status", help="Review status of the row.")
        parser.add_argument("--reviewer", help="Reviewer username.")
        parser.add_argument("--date-from", help="Date or ISO 8601 instant, inclusive.")
        parser.add_argument("--date-to", help="Date (whole day) or ISO 8601 instant, inclusive.")
        parser.add_argument("--as-of", help="ISO 8601 instant: the verdicts as published then.")
        parser.add_argument("--versions", choices=["all"], help="One row per annotation version.")
        parser.add_argument("--bom", action="store_true", help="Start the CSV with a UTF-8 byte order mark (Excel).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        raw = {name: options[name] for name in ("article", "language", "verdict", "status", "reviewer", "versions")}
        raw.update(date_from=options["date_from"], date_to=options["date_to"])
        try:
            filters = parse_filters(raw, as_of=options["as_of"])
        except ValidationError as error:
            problems = "; ".join(
                f"--{field.replace('_', '-')}: {' '.join(m)}" for field, m in error.message_dict.items()
            )
            raise CommandError(problems) from error
        if options["bom"] and options["format"] != ExportJob.Format.CSV:
            raise CommandError("--bom is for CSV only.")
        write = writer_for(options["format"], bom=options["bom"])
        total = count_rows(filters, connection)
        to_stdout = options["output"] == "-"
        with tqdm(total=total, unit="rows", disable=options["no_progress"], file=sys.stderr) as bar:
            progress = _BarProgress(bar)
            if to_stdout:
                rows = write(filters, sys.stdout.buffer.write, connection=connection, progress=progress)
                sys.stdout.flush()
            else:
                partial = f"{options['output']}.part"
                try:
                    with open(partial, "wb") as out:
                        rows = write(filters, out.write, connection=connection, progress=progress)
                    os.replace(partial, options["output"])
                except BaseException:
                    if os.path.exists(partial):
                        os.unlink(partial)
                    raise
        if not to_stdout:
            self.stderr.write(f"Wrote {rows} rows to {options['output']}.")
