"""Claim search: the regconfig and published rationale on the claim, a stored tsvector, trigram index, same-claim groups."""

import annotations.models
import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0003_article_revisions_and_fetch'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # similarity() scores similar-claim candidates (annotations.search).
        django.contrib.postgres.operations.TrigramExtension(),
        migrations.CreateModel(
            name='ClaimGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name='ClaimGroupMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name='claim',
            name='published_rationale',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='claim',
            name='search_config',
            field=annotations.models.RegConfigField(default='simple', max_length=63),
        ),
        migrations.AddField(
            model_name='claim',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('exact', config=models.F('search_config'), weight='A'), '||', django.contrib.postgres.search.SearchVector('statement', config=models.F('search_config'), weight='A'), django.contrib.postgres.search.SearchConfig(models.F('search_config'))), '||', django.contrib.postgres.search.SearchVector('claimant', config=models.F('search_config'), weight='B'), django.contrib.postgres.search.SearchConfig(models.F('search_config'))), '||', django.contrib.postgres.search.SearchVector('published_rationale', config=models.F('search_config'), weight='C'), django.contrib.postgres.search.SearchConfig(models.F('search_config'))), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='claim_search_vector'),
        ),
        migrations.AddField(
            model_name='claimgroupmember',
            name='claim',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='same_claim', to='annotations.claim'),
        ),
        migrations.AddField(
            model_name='claimgroupmember',
            name='group',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='annotations.claimgroup'),
        ),
        migrations.AddField(
            model_name='claimgroupmember',
            name='linked_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='claimgroupmember',
            name='linked_to',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='annotations.claim'),
        ),
        migrations.AddIndex(
            model_name='claimgroupmember',
            index=models.Index(fields=['group'], name='claim_group_member_group'),
        ),
    ]
