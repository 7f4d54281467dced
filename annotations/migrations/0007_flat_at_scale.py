"""Flat at scale: per-article counters (filled from the claims), keyset indexes, trigram search indexes."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


FILL_COUNTERS = """
UPDATE annotations_article AS a
   SET claim_count = c.claims, unreviewed_count = c.unreviewed
  FROM (SELECT article_id, COUNT(*) AS claims, COUNT(*) FILTER (WHERE published_version_id IS NULL) AS unreviewed
          FROM annotations_claim GROUP BY article_id) AS c
 WHERE a.id = c.article_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0006_desk_stats"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.AlterModelOptions(
            name="exportjob",
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="article",
            name="claim_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="unreviewed_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Claims without a published verdict"
            ),
        ),
        migrations.RunSQL(FILL_COUNTERS, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(fields=["status", "id"], name="annotation_status_id"),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(fields=["reviewer", "id"], name="annotation_reviewer_id"),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("status", "submitted")), fields=["updated_at", "id"], name="annotation_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(fields=["updated_at", "id"], name="annotation_updated"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="article_newest_first",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("unreviewed_count__gt", 0)),
                name="article_unreviewed_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("language"),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="article_language_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["published_at"], name="article_published_at"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="article_title_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("publisher"), name="gin_trgm_ops"
                ),
                name="article_publisher_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("published_version__isnull", True)), fields=["id"], name="claim_unpublished_id"
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("claimant"), name="gin_trgm_ops"
                ),
                name="claim_claimant_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="exportjob",
            index=models.Index(
                models.F("created_by"),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="export_job_newest",
            ),
        ),
    ]
