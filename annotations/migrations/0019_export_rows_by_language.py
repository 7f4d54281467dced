"""The published export rows of one language, in claim order: built without blocking approvals, then
analysed, since the planner has the expression's statistics only after an ANALYZE (autovacuum would
not run one for a new index)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Lower


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("annotations", "0018_prior_verdict_corrected"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="publishedexportrow",
            index=models.Index(
                Lower(models.Func(models.F("language_cell"), models.Value("-"), models.Value(1), function="split_part")),
                models.F("claim"),
                name="export_row_language",
                include=["language_cell"],
            ),
        ),
        migrations.RunSQL("ANALYZE annotations_publishedexportrow", migrations.RunSQL.noop),
    ]
