"""Upgrading a populated database: history written as it stood at 0004, upgraded through 0005 (the
published export rows) and 0006 (the desk's tallies) to the latest migration, comes out with every
derived table equal to a rebuild from the same history."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from annotations import derived

from .test_derived import derived_state

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("annotations", "0004_claim_search")]
BODY = "The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded."


def _populate(apps) -> None:
    """A small desk written with the models as they stood at 0004: two articles, a claim with two
    disagreeing submitted verdicts, a published one, an unannotated one, a draft."""
    User, Verdict = apps.get_model("auth", "User"), apps.get_model("annotations", "Verdict")
    Article, Claim = apps.get_model("annotations", "Article"), apps.get_model("annotations", "Claim")
    Annotation = apps.get_model("annotations", "Annotation")
    Version, Transition = (
        apps.get_model("annotations", "AnnotationVersion"),
        apps.get_model("annotations", "ReviewTransition"),
    )
    Publication = apps.get_model("annotations", "Publication")
    editor, ana, bo = (User.objects.create(username=name) for name in ("old-editor", "old-ana", "old-bo"))
    true, false = Verdict.objects.get(key="true"), Verdict.objects.get(key="false")
    day = datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)
    spans = (("voted 31 to 12", 12, 26), ("The mayor said", 39, 53), ("fully funded", 70, 82))

    def claim(article, span):
        exact, start, end = span
        config = {"en": "english", "it": "italian"}[article.language]  # as the 0004 services set it
        return Claim.objects.create(
            article=article, exact=exact, start=start, end=end, created_at=day, updated_at=day, search_config=config
        )

    def annotation(claim, reviewer, verdict, status, at):
        row = Annotation.objects.create(claim=claim, reviewer=reviewer, status=status, version=1)
        Annotation.objects.filter(pk=row.pk).update(created_at=at, updated_at=at)
        Version.objects.create(annotation=row, number=1, verdict=verdict, confidence=70, author=reviewer, created_at=at)
        if status != "draft":
            Transition.objects.create(annotation=row, from_status="draft", to_status="submitted", version=1,
                                      actor=reviewer, created_at=at)  # fmt: skip
        return row

    english = Article.objects.create(title="Council", body=BODY, language="en", created_at=day, updated_at=day)
    italian = Article.objects.create(title="Consiglio", body=BODY, language="it", created_at=day, updated_at=day)
    disputed, published = claim(english, spans[0]), claim(english, spans[1])
    claim(english, spans[2])
    annotation(disputed, ana, true, "submitted", day)
    annotation(disputed, bo, false, "submitted", day + datetime.timedelta(hours=1))
    approved = annotation(published, ana, true, "approved", day + datetime.timedelta(days=1))
    Transition.objects.create(annotation=approved, from_status="submitted", to_status="approved", version=1,
                              actor=editor, created_at=day + datetime.timedelta(days=1, hours=2))  # fmt: skip
    version = Version.objects.get(annotation=approved)
    Claim.objects.filter(pk=published.pk).update(published_version=version)
    Publication.objects.create(claim=published, version=version, actor=editor,
                               created_at=day + datetime.timedelta(days=1, hours=2))  # fmt: skip
    annotation(claim(italian, spans[0]), bo, false, "draft", day + datetime.timedelta(days=2))


def test_a_populated_database_upgrades_through_0005_with_derived_tables_equal_to_a_rebuild():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("annotations")
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    _populate(executor.loader.project_state(BEFORE).apps)
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    upgraded = derived_state()
    assert upgraded["paired claims"] and upgraded["daily tallies"] and upgraded["published export rows"]
    derived.rebuild()
    assert derived_state() == upgraded
