"""Blind review on every route: a reviewer who has not submitted their own verdict on a claim learns
nothing of a colleague's annotation of it, whatever the path."""

import csv
import io

import pytest

from annotations import review, versioning

from .factories import ClaimFactory, UserFactory, make_annotation, verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues_draft():
    """Ana's annotation of a claim, two versions, not submitted; Bo has annotated the same claim too."""
    claim = ClaimFactory()
    ana = UserFactory(role="reviewer", username="ana")
    bo = UserFactory(role="reviewer", username="bo")
    annotation = make_annotation(claim, ana, key="false", rationale="Ana's secret reasoning")
    versioning.append_version(annotation, based_on=1, author=ana, verdict=verdict("mostly-false"))
    own = make_annotation(claim, bo, key="true")
    return annotation, own, bo


ROUTES = {
    "detail": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/"),
    "versions": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/versions/"),
    "version 1": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/versions/1/"),
    "diff": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/diff/", {"from": 1, "to": 2}),
    "transitions": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/transitions/"),
    "as_of": lambda c, a: c.get(f"/api/v1/annotations/{a.pk}/", {"as_of": "2999-01-01T00:00:00Z"}),
    "revert": lambda c, a: c.post(
        f"/api/v1/annotations/{a.pk}/revert/", {"version": 1}, format="json", HTTP_IF_MATCH='"2"'
    ),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_colleagues_unsubmitted_annotation_is_not_found_on_any_route(api, colleagues_draft, route):
    annotation, _own, bo = colleagues_draft
    response = ROUTES[route](api(bo), annotation)
    assert response.status_code == 404
    assert "secret" not in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.version == 2


@pytest.mark.parametrize("route", ["detail", "versions", "version 1", "diff", "transitions"])
def test_the_same_routes_open_once_the_reviewer_submitted_their_own(api, colleagues_draft, route):
    annotation, own, bo = colleagues_draft
    review.submit(own, actor=bo)
    assert ROUTES[route](api(bo), annotation).status_code == 200


@pytest.mark.parametrize("route", ["detail", "versions", "transitions"])
def test_the_same_routes_open_with_blind_review_off(api, colleagues_draft, settings, route):
    settings.FACTCHECK = {**settings.FACTCHECK, "BLIND_REVIEW": False}
    annotation, _own, bo = colleagues_draft
    assert ROUTES[route](api(bo), annotation).status_code == 200


def test_lists_leave_out_the_colleagues_annotation(api, colleagues_draft):
    annotation, own, bo = colleagues_draft
    client = api(bo)
    listed = client.get("/api/v1/annotations/").json()["results"]
    assert [item["id"] for item in listed] == [own.pk]
    under_claim = client.get(f"/api/v1/claims/{annotation.claim_id}/annotations/").json()["results"]
    assert [item["id"] for item in under_claim] == [own.pk]


def test_all_versions_export_leaves_out_the_colleagues_annotation(api, colleagues_draft):
    _annotation, _own, bo = colleagues_draft
    response = api(bo).get("/api/v1/exports/verdicts.csv", {"versions": "all"})
    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert [(row["reviewer"], row["verdict"]) for row in rows] == [("bo", "true")]
    assert "secret" not in content
