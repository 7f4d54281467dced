"""The CSV for people who open it in a spreadsheet: verdict labels, local times, and the evidence sheet.

The default CSV stays what scripts read (keys, ISO 8601 UTC with microseconds).
These options wrap its SELECT in one outer projection, so the default export
keeps its single-table read and pays nothing for them:

- `labels=<language>` adds `verdict_label` after `verdict`: the verdict's label in
  that language (`verdict_labels`: the scale's translations, else the verdict's own label);
- `dates=local` writes instants as `YYYY-MM-DD HH:MM:SS` in the desk's time
  zone (FACTCHECK["DESK_TIME_ZONE"]), which spreadsheets read as dates.

The evidence sheet has one row per evidence item of the exported versions, keyed
by claim and version, with the same filters and formulas neutralised the same way.
Cells are neutralised in SQL (cells.sql_neutralised) like every other cell.
"""

import dataclasses
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from ..models import Verdict, VerdictTranslation
from .cells import neutralise, sql_neutralised
from .filters import ExportFilters
from .labels import parse_labels
from .query import COLUMNS, copy_statement, formatted_select, rows_sql

INSTANT_COLUMNS = ("published_at", "annotated_at", "approved_at")
EVIDENCE_COLUMNS = ("claim_id", "version", "url", "title", "publisher", "quote", "stance", "accessed")
LOCAL_INSTANT = "'YYYY-MM-DD HH24:MI:SS'"
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@dataclasses.dataclass(frozen=True)
class SheetOptions:
    labels: str | None = None  # a language tag: add verdict_label in it
    local_dates: bool = False

    @property
    def plain(self) -> bool:
        return self.labels is None and not self.local_dates


def verdict_labels(language: str) -> dict[int, str]:
    """{verdict id: label} for the labels column: the scale's translation in `language` (the exact tag,
    else its primary subtag: 'pt-BR' reads 'pt'), else the verdict's own label."""
    tag = language.strip().lower().replace("_", "-")
    candidates = [tag, tag.split("-")[0]]
    translated: dict[int, dict[str, str]] = {}
    rows = VerdictTranslation.objects.values_list("verdict_id", "language", "label")
    for verdict_id, translation_language, label in rows:
        if label and translation_language.lower() in candidates:
            translated.setdefault(verdict_id, {})[translation_language.lower()] = label
    labels = {}
    for verdict_id, label in Verdict.objects.values_list("id", "label"):
        mine = translated.get(verdict_id, {})
        labels[verdict_id] = next((mine[c] for c in candidates if c in mine), label)
    return labels


def verdicts_csv_statement(filters: ExportFilters, options: SheetOptions, connection: BaseDatabaseWrapper) -> str:
    """The verdicts CSV's COPY, with the spreadsheet options applied (the default one when none is set)."""
    query, params = formatted_select(filters, connection)
    if options.plain:
        return copy_statement(query, params, connection)
    cells: list[str] = []
    outer_params: list = []
    for name in COLUMNS:
        if options.local_dates and name in INSTANT_COLUMNS:
            cells.append(f"to_char((q.{name})::timestamptz AT TIME ZONE %s, {LOCAL_INSTANT}) AS {name}")
            outer_params.append(settings.FACTCHECK["DESK_TIME_ZONE"])
        else:
            cells.append(f"q.{name}")
        if name == "verdict" and options.labels is not None:
            label_sql, label_params = _label_case(options.labels)
            cells.append(f"{label_sql} AS verdict_label")
            outer_params += label_params
    # A plain projection over the ordered subquery keeps its order (no join, no aggregate above it).
    outer = f"SELECT {', '.join(cells)} FROM ({query}) AS q"
    return copy_statement(outer, outer_params + params, connection)


def _label_case(language: str) -> tuple[str, list]:
    """CASE over the verdict cell (the key, neutralised) giving the label, neutralised."""
    labels = verdict_labels(language)
    keys = dict(Verdict.objects.filter(pk__in=labels).values_list("id", "key"))
    if not labels:
        return "NULL::text", []
    params: list = []
    for verdict_id, label in labels.items():
        params += [neutralise(keys[verdict_id]), neutralise(label)]
    return "CASE q.verdict " + "WHEN %s THEN %s " * len(labels) + "END", params


def evidence_csv_statement(filters: ExportFilters, connection: BaseDatabaseWrapper) -> str:
    """One row per evidence item of the exported versions, in the verdicts' order, then the items' order."""
    query, params = rows_sql(filters, connection)
    item = {name: sql_neutralised(f"(e.item ->> '{name}')") for name in EVIDENCE_COLUMNS[2:]}
    cells = ", ".join(f"{expression} AS {name}" for name, expression in item.items())
    outer = (
        f"SELECT r.claim_id, r.version, {cells} FROM ({query}) AS r "
        "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.evidence) = 'array' "
        "THEN r.evidence ELSE '[]'::jsonb END) WITH ORDINALITY AS e(item, n) "
        "WHERE jsonb_typeof(e.item) = 'object' "
        "ORDER BY r.claim_id, r.annotation_id, r.version, e.n"
    )
    return copy_statement(outer, params, connection)


def _not_a_tag(value: str) -> str:
    raise ValueError(_("%(value)r is not a language tag (e.g. 'en', 'it'): the labels' language.") % {"value": value})


SHEET_OPTION_NAMES = ("excel", "labels", "dates")


def parse_sheet_options(data) -> tuple[SheetOptions, bool]:
    """(options, excel) from a query string or a job's filters; a bad value raises ValidationError naming it.

    `excel=1` is the spreadsheet's encoding: a UTF-8 byte order mark (records end with CRLF anyway)."""
    errors = {}
    excel = str(data.get("excel") or "").strip().lower()
    if excel not in ("", "0", "1", "true", "false"):
        errors["excel"] = _("Expected 1 (UTF-8 with a byte order mark and CRLF, for Excel) or 0.")
    labels = str(data.get("labels") or "").strip() or None
    if labels is not None:
        # An interface language, or one the rating scale has translations in (exports.labels).
        try:
            labels = parse_labels(labels) if LANGUAGE_TAG.match(labels) else _not_a_tag(labels)
        except ValueError as error:
            errors["labels"] = str(error)
    dates = str(data.get("dates") or "").strip()
    if dates not in ("", "utc", "local"):
        errors["dates"] = _(
            "Expected 'local' (the desk's time zone, no microseconds) or 'utc' (ISO 8601, the default)."
        )
    if errors:
        raise ValidationError(errors)
    return SheetOptions(labels=labels, local_dates=dates == "local"), excel in ("1", "true")
