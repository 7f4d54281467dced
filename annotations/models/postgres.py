"""PostgreSQL pieces the models share: a regconfig field, the append-only triggers of the history
tables, and the trigger that keeps the published export rows' copies of a row's cells in step."""

import pgtrigger
from django.db import models


class RegConfigField(models.CharField):
    """A PostgreSQL `regconfig` (a text-search configuration name such as 'english').

    Stored as its own type, not text: `to_tsvector(regconfig, text)` is immutable and may feed a
    generated column, while a cast from text to regconfig is not.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 63)
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return "regconfig"

    def cast_db_type(self, connection) -> str:
        return "regconfig"


def export_cells_follow(name: str, key: str, fields: tuple[str, ...], cells: dict[str, str]) -> pgtrigger.Trigger:
    """A trigger that rewrites the published export rows' copies of this row's cells when `fields` change,
    within the UPDATE's own transaction. `key`: the rows' column naming this row; `cells`: column -> SQL over NEW."""
    assignments = ", ".join(f"{column} = {expression}" for column, expression in cells.items())
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf(*fields),
        condition=pgtrigger.AnyChange(*fields),
        func=f"UPDATE annotations_publishedexportrow SET {assignments} WHERE {key} = NEW.id; RETURN NULL;",
    )


APPEND_ONLY = [
    pgtrigger.Protect(name="append_only_rows", operation=pgtrigger.Update | pgtrigger.Delete),
    pgtrigger.Trigger(
        name="append_only_table",
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func="RAISE EXCEPTION 'append-only table %: TRUNCATE refused', TG_TABLE_NAME; RETURN NULL;",
    ),
]


# A verdict is about the words it judged: each annotation version records the claim's words as they
# stand when it is written, read from the claim row inside the INSERT itself (the row the writer locked).
JUDGED_WORDS = pgtrigger.Trigger(
    name="version_records_judged_words",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert,
    func=(
        'SELECT c.exact, c.start, c."end", c.anchor_revision '
        "INTO NEW.judged_exact, NEW.judged_start, NEW.judged_end, NEW.judged_revision "
        "FROM annotations_claim c JOIN annotations_annotation a ON a.claim_id = c.id "
        "WHERE a.id = NEW.annotation_id; RETURN NEW;"
    ),
)
