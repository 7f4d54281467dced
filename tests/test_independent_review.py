"""Frozen after submission, the editor's re-open, versions marked when not independent, four eyes,
and agreement on first submissions."""

import pytest

from annotations import agreement, review, versioning

from .factories import ClaimFactory, UserFactory, make_annotation, publish, verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer, key="false")
    review.submit(annotation, actor=reviewer)
    annotation.refresh_from_db()
    return annotation


def test_reviewers_patch_of_their_submitted_annotation_is_refused_as_frozen(api, reviewer, submitted):
    response = api(reviewer).patch(
        f"/api/v1/annotations/{submitted.pk}/", {"confidence": 10}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409
    assert response.json()["code"] == "frozen"
    assert "re-open" in response.json()["detail"]


def test_reviewers_revert_of_their_submitted_annotation_is_refused_as_frozen(api, reviewer, submitted):
    response = api(reviewer).post(
        f"/api/v1/annotations/{submitted.pk}/revert/", {"version": 1}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409
    assert response.json()["code"] == "frozen"


def test_editors_reopen_makes_it_editable_again(api, reviewer, editor, submitted):
    reopened = api(editor).post(f"/api/v1/annotations/{submitted.pk}/reopen/", {"comment": "Check the date"})
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "draft"
    response = api(reviewer).patch(
        f"/api/v1/annotations/{submitted.pk}/", {"confidence": 10}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_versions_written_after_the_reviewer_could_see_others_are_marked(api, reviewer, editor, submitted):
    review.reopen(submitted, actor=editor, comment="Check the date")
    versioning.append_version(submitted, based_on=1, author=reviewer, confidence=10)
    versions = api(reviewer).get(f"/api/v1/annotations/{submitted.pk}/versions/").json()["results"]
    assert [(v["version"], v["independent"]) for v in versions] == [(1, True), (2, False)]


def test_reopen_is_for_editors(api, reviewer, submitted):
    response = api(reviewer).post(f"/api/v1/annotations/{submitted.pk}/reopen/", {})
    assert response.status_code == 403


def test_reopen_is_recorded_as_a_transition_with_its_note(api, editor, submitted):
    api(editor).post(f"/api/v1/annotations/{submitted.pk}/reopen/", {"comment": "Check the date"})
    last = api(editor).get(f"/api/v1/annotations/{submitted.pk}/transitions/").json()["results"][-1]
    assert (last["from_status"], last["to_status"], last["comment"]) == ("submitted", "draft", "Check the date")


def test_reopening_the_published_verdict_keeps_it_published(api, reviewer, editor):
    annotation = publish(make_annotation(ClaimFactory(), reviewer), editor)
    review.reopen(annotation, actor=editor, comment="New evidence")
    claim = api(editor).get(f"/api/v1/claims/{annotation.claim_id}/").json()
    assert claim["published_verdict"]["annotation"] == annotation.pk


def test_self_approval_is_refused_with_the_four_eyes_rule(api, editor):
    own = make_annotation(ClaimFactory(), editor)
    review.submit(own, actor=editor)
    UserFactory(role="editor", username="erin")
    response = api(editor).post(f"/api/v1/annotations/{own.pk}/approve/", {})
    assert response.status_code == 403
    assert "Four eyes" in response.json()["detail"]
    assert "erin" in response.json()["detail"]


def test_an_editor_who_edited_a_version_may_not_approve_it(api, reviewer, editor, submitted):
    versioning.append_version(submitted, based_on=1, author=editor, confidence=50)
    response = api(editor).post(f"/api/v1/annotations/{submitted.pk}/approve/", {})
    assert response.status_code == 403


def test_another_editor_approves(api, reviewer, editor, submitted):
    response = api(editor).post(f"/api/v1/annotations/{submitted.pk}/approve/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_a_desk_of_one_switches_four_eyes_off(api, editor, settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "FOUR_EYES": False}
    own = make_annotation(ClaimFactory(), editor)
    review.submit(own, actor=editor)
    assert api(editor).post(f"/api/v1/annotations/{own.pk}/approve/", {}).status_code == 200


def test_agreement_counts_first_submissions_not_later_changes(editor):
    claim = ClaimFactory()
    ana, bo = UserFactory(role="reviewer"), UserFactory(role="reviewer")
    first, second = make_annotation(claim, ana, key="false"), make_annotation(claim, bo, key="false")
    review.submit(first, actor=ana)
    review.submit(second, actor=bo)
    review.reopen(second, actor=editor, comment="again")
    versioning.append_version(second, based_on=1, author=bo, verdict=verdict("true"))
    review.submit(second, actor=bo)
    report = agreement.agreement()
    assert (report.as_dict()["basis"], report.disagreement_count, report.claims) == ("first_submissions", 0, 1)
