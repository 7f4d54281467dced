"""Review workflow: submit, approve, reject, the claim's published verdict, and blind review."""

import pytest

from annotations import review, versioning
from annotations.models import Publication

from .factories import ClaimFactory, UserFactory, make_annotation, publish, verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def annotation(claim, reviewer):
    return make_annotation(claim, reviewer, key="true")


def post(client, annotation, step, **body):
    return client.post(f"/api/v1/annotations/{annotation.pk}/{step}/", body, format="json")


def test_submitted_then_approved_annotation_is_the_claims_published_verdict(api, reviewer, editor, annotation):
    assert post(api(reviewer), annotation, "submit").json()["status"] == "submitted"
    response = post(api(editor), annotation, "approve", comment="Checked")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["is_published"], body["published_version"]) == ("approved", True, 1)
    annotation.claim.refresh_from_db()
    assert annotation.claim.published_version.annotation_id == annotation.pk


def test_approving_a_draft_is_refused_with_409_naming_the_status(api, editor, annotation):
    response = post(api(editor), annotation, "approve")
    assert response.status_code == 409
    assert response.json()["status"] == "draft"


def test_approving_another_annotation_replaces_the_published_verdict_and_records_it(api, claim, editor, annotation):
    publish(annotation, editor)
    second = make_annotation(claim, UserFactory(role="reviewer", username="bea"), key="false")
    review.submit(second, actor=second.reviewer)
    assert post(api(editor), second, "approve").json()["is_published"] is True
    first = api(editor).get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (first["status"], first["is_published"]) == ("submitted", False)
    published = [p.version.annotation_id for p in Publication.objects.filter(claim=claim)]
    assert published == [annotation.pk, second.pk]
    last = api(editor).get(f"/api/v1/annotations/{annotation.pk}/transitions/").json()["results"][-1]
    assert (last["from_status"], last["to_status"], last["actor"]) == ("approved", "submitted", "editor")
    assert f"annotation {second.pk}" in last["comment"]


def test_editing_an_approved_annotation_keeps_the_published_version_until_approved_again(
    api, reviewer, editor, annotation
):
    publish(annotation, editor)
    review.reopen(annotation, actor=editor, comment="New evidence")
    client = api(reviewer)
    edited = client.patch(f"/api/v1/annotations/{annotation.pk}/", {"verdict": "false"}, HTTP_IF_MATCH='"1"').json()
    assert (edited["version"], edited["status"], edited["is_published"], edited["published_version"]) == (
        2, "draft", True, 1,
    )  # fmt: skip
    annotation.claim.refresh_from_db()
    assert annotation.claim.published_version.number == 1
    review.submit(annotation, actor=reviewer)
    assert post(api(editor), annotation, "approve").json()["published_version"] == 2
    annotation.claim.refresh_from_db()
    assert annotation.claim.published_version.verdict == verdict("false")


def test_rejecting_the_published_annotation_withdraws_the_claims_verdict(api, editor, annotation):
    publish(annotation, editor)
    response = post(api(editor), annotation, "reject", comment="Source retracted")
    assert (response.json()["status"], response.json()["is_published"]) == ("rejected", False)
    annotation.claim.refresh_from_db()
    assert annotation.claim.published_version is None
    assert Publication.objects.filter(claim=annotation.claim).last().version is None


def test_editing_a_rejected_annotation_returns_it_to_draft(api, reviewer, editor, annotation):
    review.submit(annotation, actor=reviewer)
    review.reject(annotation, actor=editor)
    response = api(reviewer).patch(f"/api/v1/annotations/{annotation.pk}/", {"confidence": 20}, HTTP_IF_MATCH="1")
    assert response.json()["status"] == "draft"


def test_every_transition_is_listed_with_who_when_from_to_and_comment(api, reviewer, editor, annotation):
    post(api(reviewer), annotation, "submit", comment="Ready")
    post(api(editor), annotation, "reject", comment="Needs a primary source")
    response = api(editor).get(f"/api/v1/annotations/{annotation.pk}/transitions/")
    assert response.status_code == 200
    items = response.json()["results"]
    assert [(t["from_status"], t["to_status"], t["actor"], t["comment"], t["version"]) for t in items] == [
        ("draft", "submitted", "reviewer", "Ready", 1),
        ("submitted", "rejected", "editor", "Needs a primary source", 1),
    ]
    assert all(t["created_at"] for t in items)


def test_a_stale_if_match_on_approve_is_refused_with_412(api, reviewer, editor, annotation):
    review.submit(annotation, actor=reviewer)
    versioning.append_version(annotation, based_on=1, author=UserFactory(role="editor"), confidence=5)
    response = api(editor).post(f"/api/v1/annotations/{annotation.pk}/approve/", {}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2


# ---------------------------------------------------------------- blind review


@pytest.fixture
def colleague(claim):
    """Another reviewer's submitted annotation of the same claim."""
    other = UserFactory(role="reviewer", username="colleague")
    annotation = make_annotation(claim, other, key="false")
    review.submit(annotation, actor=other)
    return annotation


def visible_ids(client, url):
    return {item["id"] for item in client.get(url).json()["results"]}


def test_blind_reviewer_does_not_see_others_annotations_before_submitting(api, reviewer, annotation, colleague):
    client = api(reviewer)
    assert visible_ids(client, f"/api/v1/claims/{annotation.claim_id}/annotations/") == {annotation.pk}
    assert visible_ids(client, "/api/v1/annotations/") == {annotation.pk}
    assert client.get(f"/api/v1/annotations/{colleague.pk}/").status_code == 404


def test_blind_reviewer_sees_others_annotations_after_submitting(api, reviewer, annotation, colleague):
    review.submit(annotation, actor=reviewer)
    client = api(reviewer)
    assert visible_ids(client, f"/api/v1/claims/{annotation.claim_id}/annotations/") == {annotation.pk, colleague.pk}
    assert client.get(f"/api/v1/annotations/{colleague.pk}/").json()["verdict"] == "false"


def test_reviewer_without_an_annotation_of_the_claim_sees_none_of_its_annotations(api, colleague):
    outsider = UserFactory(role="reviewer", username="outsider")
    assert visible_ids(api(outsider), f"/api/v1/claims/{colleague.claim_id}/annotations/") == set()


def test_without_blind_review_reviewers_see_every_annotation(api, settings, reviewer, annotation, colleague):
    settings.FACTCHECK = {**settings.FACTCHECK, "BLIND_REVIEW": False}
    assert visible_ids(api(reviewer), "/api/v1/annotations/") == {annotation.pk, colleague.pk}


def test_editors_see_every_annotation(api, editor, annotation, colleague):
    assert visible_ids(api(editor), f"/api/v1/claims/{annotation.claim_id}/annotations/") == {
        annotation.pk, colleague.pk,
    }  # fmt: skip


def test_viewers_see_only_the_published_version_of_published_annotations(api, viewer, editor, annotation, colleague):
    publish(annotation, editor)
    review.reopen(annotation, actor=editor, comment="Check again")
    versioning.append_version(annotation, based_on=1, author=annotation.reviewer, verdict=verdict("mixed"))
    client = api(viewer)
    assert visible_ids(client, "/api/v1/annotations/") == {annotation.pk}
    shown = client.get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (shown["version"], shown["verdict"], shown["is_published"]) == (1, "true", True)
    versions = client.get(f"/api/v1/annotations/{annotation.pk}/versions/").json()["results"]
    assert [v["number"] for v in versions] == [1]
    assert client.get(f"/api/v1/annotations/{annotation.pk}/versions/2/").status_code == 404
    assert client.get(f"/api/v1/annotations/{colleague.pk}/").status_code == 404


def test_blind_reviewer_changing_an_annotation_they_may_not_see_gets_404(api, reviewer, annotation, colleague):
    response = api(reviewer).patch(f"/api/v1/annotations/{colleague.pk}/", {"confidence": 5}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    assert colleague.versions.count() == 1
