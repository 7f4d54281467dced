"""Assignments: editors assign claims (one transaction, any number of claims), reviewers see their work."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations import assignments, review
from annotations.models import Assignment, Claim
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db

URL = "/api/v1/assignments/"
MINE = "/api/v1/me/assignments/"
VERDICT = {"verdict": "true", "confidence": 80, "rationale": "Minutes agree.", "evidence": []}


def many_claims(count: int, article=None) -> list[int]:
    """`count` claims of one article: one marked through the service, the rest copied in one statement (the
    point here is the assignment's cost, not the claims')."""
    article = article or ArticleFactory(body="start " + "word " * count)
    ClaimFactory(article=article, exact="start")
    Claim.objects.bulk_create(
        Claim(article=article, start=6 + 5 * i, end=10 + 5 * i, exact="word") for i in range(count - 1)
    )
    return list(Claim.objects.filter(article=article).order_by("id").values_list("pk", flat=True))


def test_an_editor_assigns_claims_to_reviewers(api, editor, reviewer):
    claims = many_claims(3)
    other = UserFactory(role="reviewer", username="other")
    response = api(editor).post(URL, {"claims": claims, "reviewers": ["reviewer", "other"]}, format="json")
    assert response.status_code == 201
    assert response.json()["assigned"] == 6
    assert Assignment.objects.filter(reviewer=other).count() == 3


def test_every_claim_of_an_article_can_be_assigned_at_once(api, editor, reviewer):
    article = ArticleFactory(body="one two three four")
    for word in ("one", "three"):
        ClaimFactory(article=article, exact=word)
    response = api(editor).post(URL, {"article": article.pk, "reviewers": ["reviewer"]}, format="json")
    assert response.json()["assigned"] == 2


def test_a_reviewer_cannot_assign(api, reviewer):
    claims = many_claims(1)
    response = api(reviewer).post(URL, {"claims": claims, "reviewers": ["reviewer"]}, format="json")
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_an_unknown_reviewer_is_refused_naming_the_field(api, editor):
    claims = many_claims(1)
    response = api(editor).post(URL, {"claims": claims, "reviewers": ["nobody"]}, format="json")
    assert response.status_code == 400
    assert "nobody" in str(response.json()["reviewers"])


def test_a_viewer_cannot_be_assigned_a_claim(api, editor, viewer):
    response = api(editor).post(URL, {"claims": many_claims(1), "reviewers": ["viewer"]}, format="json")
    assert response.status_code == 400
    assert "reviewers" in response.json()


def test_an_unknown_claim_refuses_the_whole_request(api, editor, reviewer):
    claims = many_claims(2)
    response = api(editor).post(URL, {"claims": [*claims, 999_999], "reviewers": ["reviewer"]}, format="json")
    assert response.status_code == 400
    assert "999999" in str(response.json()["claims"])
    assert not Assignment.objects.exists()


def test_claims_and_article_together_are_refused(api, editor, reviewer):
    claims = many_claims(1)
    body = {"claims": claims, "article": Claim.objects.get(pk=claims[0]).article_id, "reviewers": ["reviewer"]}
    assert api(editor).post(URL, body, format="json").status_code == 400


def test_bulk_assignment_costs_the_same_queries_for_ten_claims_as_for_ten_thousand(editor, reviewer):
    def queries(count: int) -> int:
        claims = many_claims(count)
        actor = type(editor).objects.get(pk=editor.pk)  # nothing cached from the run before
        with CaptureQueriesContext(connection) as captured:
            result = assignments.assign(actor=actor, reviewers=["reviewer"], claims=claims)
        assert result.assigned == count
        return len(captured)

    assert queries(10) == queries(10_000)


def test_assigning_again_moves_the_due_date_without_a_second_assignment(editor, reviewer):
    claims = many_claims(1)
    later = timezone.now() + datetime.timedelta(days=3)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims, due=later)
    assert list(Assignment.objects.values_list("due", flat=True)) == [later]


def test_reassigning_takes_the_claims_from_the_others(api, editor, reviewer):
    claims = many_claims(2)
    UserFactory(role="reviewer", username="other")
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims)
    body = {"claims": claims, "reviewers": ["other"], "replace": True}
    assert api(editor).post(URL, body, format="json").json() == {"assigned": 2, "created": 2, "removed": 2}
    assert set(Assignment.objects.values_list("reviewer__username", flat=True)) == {"other"}


def test_an_editor_unassigns(api, editor, reviewer):
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=many_claims(1))
    assignment = Assignment.objects.get()
    assert api(editor).delete(f"{URL}{assignment.pk}/").status_code == 204
    assert not Assignment.objects.exists()


def test_the_list_filters_by_reviewer(api, editor, reviewer):
    claims = many_claims(2)
    UserFactory(role="reviewer", username="other")
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims[:1])
    assignments.assign(actor=editor, reviewers=["other"], claims=claims)
    rows = api(editor).get(URL, {"reviewer": "reviewer"}).json()["results"]
    assert [(row["claim"], row["reviewer"]) for row in rows] == [(claims[0], "reviewer")]


def test_my_work_lists_my_claims_by_due_date_undated_last(api, editor, reviewer):
    claims = many_claims(3)
    now = timezone.now()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claims[0]])
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claims[1]], due=now + datetime.timedelta(days=2))
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claims[2]], due=now + datetime.timedelta(days=1))
    rows = api(reviewer).get(MINE).json()["results"]
    assert [row["claim"] for row in rows] == [claims[2], claims[1], claims[0]]


def test_my_work_marks_open_work_past_its_due_date_overdue(api, editor, reviewer):
    claims = many_claims(2)
    past = timezone.now() - datetime.timedelta(hours=1)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims, due=past)
    annotation = make_annotation(Claim.objects.get(pk=claims[0]), reviewer)
    review.submit(annotation, actor=reviewer)
    rows = {row["claim"]: row for row in api(reviewer).get(MINE).json()["results"]}
    assert (rows[claims[0]]["overdue"], rows[claims[0]]["status"]) == (False, "submitted")
    assert (rows[claims[1]]["overdue"], rows[claims[1]]["status"]) == (True, "")


def test_the_claims_list_shows_who_is_assigned(api, editor, reviewer):
    claims = many_claims(1)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=claims)
    row = api(editor).get("/api/v1/claims/", {"article": Claim.objects.get(pk=claims[0]).article_id}).json()
    assert row["results"][0]["assigned"] == ["reviewer"]


def test_reviewers_take_unassigned_claims_by_default(api, reviewer):
    claim = ClaimFactory()
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", VERDICT, format="json")
    assert response.status_code == 201


def test_with_taking_unassigned_claims_off_a_reviewer_annotates_only_their_assignments(api, reviewer, settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "REVIEWERS_TAKE_UNASSIGNED": False}
    claim = ClaimFactory()
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", VERDICT, format="json")
    assert response.status_code == 403


def test_assignment_does_not_let_a_reviewer_see_others_verdicts_before_submitting(api, editor, reviewer):
    claim = ClaimFactory()
    other = UserFactory(role="reviewer", username="other")
    theirs = make_annotation(claim, other)
    review.submit(theirs, actor=other)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
    assert api(reviewer).get(f"/api/v1/claims/{claim.pk}/annotations/").json()["results"] == []


def test_a_viewer_has_no_work_page_and_no_assignments(api, browser_client, viewer):
    assert api(viewer).get(MINE).status_code == 403
    assert api(viewer).get(URL).status_code == 403
    assert browser_client(viewer).get("/my-work/").status_code == 403


def test_a_reviewer_cannot_assign_through_the_readers_form(browser_client, reviewer):
    claims = many_claims(1)
    article = Claim.objects.get(pk=claims[0]).article_id
    response = browser_client(reviewer).post(f"/articles/{article}/assign/", {"reviewers": ["reviewer"]})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_the_reader_offers_editors_alone_the_assign_form(browser_client, editor, reviewer):
    article = Claim.objects.get(pk=many_claims(1)[0]).article_id
    assert browser_client(editor).get(f"/articles/{article}/").context["assign"] is not None
    assert browser_client(reviewer).get(f"/articles/{article}/").context["assign"] is None
