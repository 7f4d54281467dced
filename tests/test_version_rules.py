"""A version's content is cleaned and checked once, in the service (annotations.versioning), whoever
writes it: the API, the commands, the demo seed. The database constraint backs the confidence range."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from annotations import versioning

from .factories import ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db


def test_the_service_stores_the_rationale_in_nfc_without_surrounding_whitespace(reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer, rationale="\t  Cafe\u0301 minutes.  \r\n")
    assert annotation.versions.get().rationale == "Caf\u00e9 minutes."


def test_a_new_version_cleans_its_rationale_too(reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    version = versioning.append_version(annotation, based_on=1, author=reviewer, rationale="  Second look. ")
    assert version.rationale == "Second look."


def test_the_service_cleans_evidence_for_every_caller(reviewer):
    evidence = [{"url": "https://example.org/a", "title": "  Minutes ", "stance": "supports"}]
    annotation = make_annotation(ClaimFactory(), reviewer, evidence=evidence)
    (item,) = annotation.versions.get().evidence
    assert item["title"] == "Minutes" and set(item) == set(versioning.EVIDENCE_FIELDS)


@pytest.mark.parametrize("confidence", [-1, 101, "50", 50.5, True])
def test_the_service_refuses_a_confidence_outside_0_to_100_or_not_a_whole_number(reviewer, confidence):
    with pytest.raises(ValidationError) as refused:
        make_annotation(ClaimFactory(), reviewer, confidence=confidence)
    assert "confidence" in refused.value.message_dict


def test_the_api_answers_400_naming_confidence_from_the_services_check(api, reviewer):
    claim = ClaimFactory()
    response = api(reviewer).post(
        f"/api/v1/claims/{claim.pk}/annotations/", {"verdict": "true", "confidence": 150}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["confidence"] == ["Confidence is a whole number from 0 to 100."]


def test_the_api_answers_400_naming_the_bad_evidence_item(api, reviewer):
    claim = ClaimFactory()
    response = api(reviewer).post(
        f"/api/v1/claims/{claim.pk}/annotations/",
        {"verdict": "true", "confidence": 50, "evidence": [{"url": "javascript:alert(1)", "stance": "supports"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "evidence[0].url" in response.json()


def test_the_database_refuses_a_confidence_over_100_written_around_the_service(reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    version = annotation.versions.get()
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotations_annotationversion (annotation_id, number, verdict_id, confidence, rationale, "
            "evidence, change_note, author_id, created_at) SELECT annotation_id, 2, verdict_id, 101, '', evidence, "
            "'', author_id, created_at FROM annotations_annotationversion WHERE id = %s",
            [version.pk],
        )
