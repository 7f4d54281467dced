"""Annotation versions: gapless numbers, compare-and-swap, revert, state as of an instant, and a
database that refuses to rewrite history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from annotations import versioning
from annotations.exceptions import StaleVersion
from annotations.models import AnnotationVersion

from .factories import ClaimFactory, UserFactory, make_annotation, publish, verdict


@pytest.fixture
def annotation(reviewer):
    return make_annotation(ClaimFactory(), reviewer, key="mixed", confidence=50, rationale="Unclear.")


@pytest.mark.django_db
def test_versions_are_numbered_from_1_without_gaps(annotation, reviewer):
    for based_on in range(1, 5):
        versioning.append_version(annotation, based_on=based_on, author=reviewer, confidence=50 + based_on)
    numbers = list(annotation.versions.values_list("number", "based_on"))
    assert numbers == [(1, None), (2, 1), (3, 2), (4, 3), (5, 4)]
    annotation.refresh_from_db()
    assert annotation.version == 5


@pytest.mark.django_db
def test_a_save_based_on_an_old_version_is_refused_and_writes_nothing(annotation, reviewer):
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=70)
    with pytest.raises(StaleVersion) as refused:
        versioning.append_version(annotation, based_on=1, author=reviewer, confidence=10)
    assert refused.value.annotation.version == 2
    assert list(annotation.versions.values_list("confidence", flat=True)) == [50, 70]


@pytest.mark.django_db
def test_unchanged_fields_carry_over_from_the_based_on_version(annotation, reviewer):
    version = versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("false"))
    assert (version.verdict.key, version.confidence, version.rationale) == ("false", 50, "Unclear.")


@pytest.mark.django_db
def test_evidence_with_a_non_web_url_is_refused_by_the_service(annotation, reviewer):
    with pytest.raises(ValidationError) as refused:
        versioning.append_version(
            annotation, based_on=1, author=reviewer, evidence=[{"url": "javascript:alert(1)", "stance": "supports"}]
        )
    assert "evidence[0].url" in refused.value.message_dict
    assert annotation.versions.count() == 1


@pytest.mark.django_db
def test_revert_appends_a_copy_of_the_old_content(annotation, reviewer):
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("true"), confidence=90)
    reverted = versioning.revert(annotation, to=1, based_on=2, author=reviewer)
    assert (reverted.number, reverted.reverted_from, reverted.verdict.key, reverted.confidence) == (3, 1, "mixed", 50)
    assert annotation.versions.count() == 3


@pytest.mark.django_db
def test_version_as_of_gives_the_version_current_at_that_instant(annotation, reviewer):
    second = versioning.append_version(annotation, based_on=1, author=reviewer, confidence=60)
    versioning.append_version(annotation, based_on=2, author=reviewer, confidence=70)
    assert versioning.version_as_of(annotation, second.created_at).number == 2
    first = annotation.versions.get(number=1)
    assert versioning.version_as_of(annotation, first.created_at.replace(year=2000)) is None


@pytest.mark.django_db
def test_editing_an_approved_annotation_reopens_it_as_draft(annotation, reviewer, editor):
    publish(annotation, editor)
    versioning.append_version(annotation, based_on=1, author=editor, confidence=10)
    annotation.refresh_from_db()
    assert annotation.status == "draft"
    assert annotation.transitions.last().to_status == "draft"


@pytest.mark.django_db
def test_diff_lists_only_changed_fields(annotation, reviewer):
    second = versioning.append_version(annotation, based_on=1, author=reviewer, rationale="Clear now.")
    first = annotation.versions.get(number=1)
    assert versioning.diff_versions(first, second) == {"rationale": {"from": "Unclear.", "to": "Clear now."}}


REFUSED_STATEMENTS = [
    ("annotations_annotationversion", "UPDATE {table} SET confidence = 0"),
    ("annotations_annotationversion", "DELETE FROM {table}"),
    ("annotations_annotationversion", "TRUNCATE {table} CASCADE"),
    ("annotations_reviewtransition", "UPDATE {table} SET comment = 'rewritten'"),
    ("annotations_publication", "DELETE FROM {table}"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("table", "statement"), REFUSED_STATEMENTS)
def test_database_refuses_to_rewrite_history_even_from_raw_sql(table, statement):
    reviewer = UserFactory(role="reviewer")
    publish(make_annotation(ClaimFactory(), reviewer), UserFactory(role="editor"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        before = cursor.fetchone()[0]
    refused = pytest.raises(DatabaseError, match=r"append-only table|Cannot update or delete")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == before > 0
    assert AnnotationVersion.objects.get().confidence == 80


def test_a_save_brings_the_given_annotation_up_to_date(annotation, reviewer, editor, django_assert_num_queries):
    publish(annotation, editor)
    version = versioning.append_version(annotation, based_on=1, author=editor, confidence=70)
    stored = type(annotation).objects.get(pk=annotation.pk)
    assert (annotation.version, annotation.status, annotation.updated_at) == (2, "draft", stored.updated_at)
    assert (stored.version, stored.status) == (2, "draft")
    with django_assert_num_queries(0):
        assert version.verdict.key == "mixed"  # carried over, loaded with the based-on version
