"""python manage.py desk_report [--from DATE] [--to DATE] [--language L] [--article ID] [--recount]

The dashboard's figures as plain-text tables, for cron and e-mail. `--recount`
first rebuilds every derived table from the history (annotations.derived.rebuild, as
`rebuild_derived` does).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations import derived, desk

REVIEWER_COLUMNS = ("reviewer", "annotations", "submitted", "approved", "rejected")


class Command(BaseCommand):
    help = "Print the desk's figures (published verdicts, reviewers, daily throughput, agreement, backlog)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="First day (date or ISO 8601 instant, UTC day).")
        parser.add_argument("--to", dest="date_to", help="Last day, inclusive (default: today).")
        parser.add_argument("--language", help="Articles in this language (BCP 47).")
        parser.add_argument("--article", help="One article id.")
        parser.add_argument(
            "--recount", action="store_true", help="Rebuild every derived table from the history first."
        )

    def handle(self, *args, **options):
        if options["recount"]:
            derived.rebuild()
        params = {name: options[name] or "" for name in ("date_from", "date_to", "language", "article")}
        try:
            filters = desk.parse_filters(params)
        except ValidationError as error:
            flags = {"date_from": "--from", "date_to": "--to"}
            raise CommandError(
                "; ".join(f"{flags.get(name, '--' + name)}: {' '.join(m)}" for name, m in error.message_dict.items())
            ) from error
        self.stdout.write(render_report(desk.desk_stats(filters)))


def render_report(figures: desk.DeskStats) -> str:
    f = figures.filters
    scope = [f"{f.date_from} to {f.date_to} (UTC days)"]
    if f.language:
        scope.append(f"language {f.language}")
    if f.article:
        scope.append(f"article {f.article}")
    backlog, agreement = figures.backlog, figures.agreement
    alpha = "not defined" if agreement["alpha"] is None else f"{agreement['alpha']:.3f}"
    waiting_since = backlog["oldest_waiting_since"]
    sections = [
        "Desk report: " + ", ".join(scope),
        _table(
            "Published verdicts",
            ["verdict", "claims"],
            [[row["verdict"], row["count"]] for row in figures.verdicts] + [["total", figures.totals["published"]]],
        ),
        _table(
            "Reviewers",
            list(REVIEWER_COLUMNS),
            [[row[name] for name in REVIEWER_COLUMNS] for row in figures.reviewers],
        ),
        _table(
            "Daily",
            ["date", "annotated", "published"],
            [[row["date"].isoformat(), row["annotated"], row["published"]] for row in figures.daily]
            + [["total", figures.totals["annotated"], figures.totals["approved"]]],
        ),
        _table(
            "Agreement",
            ["alpha", "claims", "annotations"],
            [[alpha, agreement["claims"], agreement["annotations"]]],
        ),
        _table(
            "Backlog (now)",
            ["unannotated claims", "waiting", "oldest waiting since", "age (s)"],
            [
                [
                    backlog["unannotated_claims"],
                    backlog["waiting"],
                    waiting_since.isoformat(timespec="seconds") if waiting_since else "-",
                    "-" if backlog["oldest_waiting_age_seconds"] is None else backlog["oldest_waiting_age_seconds"],
                ]
            ],
        ),
    ]
    return "\n\n".join(sections) + "\n"


def _table(title: str, header: list[str], rows: list[list]) -> str:
    """A plain-text table: text columns left-aligned, numbers right-aligned."""
    cells = [header, *[[str(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], int) for row in rows) and bool(rows) for i in range(len(header))]

    def line(row):
        return "  ".join(
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(row, widths, numeric, strict=True)
        ).rstrip()

    body = [line(row) for row in cells[1:]] or ["(none)"]
    return "\n".join([title, line(header), "  ".join("-" * w for w in widths), *body])
