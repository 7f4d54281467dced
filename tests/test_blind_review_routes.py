"""Blind review on every route: a reviewer never reads a colleague's draft, and reads a colleague's submitted
verdict only after submitting their own. The routes are listed from the URL conf, so a new route that is
neither checked here nor declared exempt (it exposes no annotation) fails the suite."""

import pytest
from django.urls import URLResolver, get_resolver

from annotations import review, versioning
from annotations.exports import jobs
from annotations.models import ExportJob

from .factories import ClaimFactory, UserFactory, make_annotation, verdict

pytestmark = pytest.mark.django_db

DRAFT_SECRET = "ana-draft-reasoning"
SUBMITTED_SECRET = "cy-submitted-reasoning"


def _evidence(title: str) -> dict:
    return {"url": "https://example.org/source", "title": title, "stance": "refutes"}


@pytest.fixture
def desk(settings, tmp_path):
    """One claim: Ana's draft (two versions), Cy's submitted verdict, and Bo's own draft."""
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    claim = ClaimFactory()
    ana = UserFactory(role="reviewer", username="ana")
    bo = UserFactory(role="reviewer", username="bo")
    cy = UserFactory(role="reviewer", username="cy")
    draft = make_annotation(claim, ana, key="false", rationale=DRAFT_SECRET)
    versioning.append_version(
        draft, based_on=1, author=ana, verdict=verdict("mostly-false"), evidence=[_evidence(DRAFT_SECRET)]
    )
    submitted = make_annotation(claim, cy, key="mixed", rationale=SUBMITTED_SECRET)
    versioning.append_version(
        submitted, based_on=1, author=cy, rationale=SUBMITTED_SECRET + " v2", evidence=[_evidence(SUBMITTED_SECRET)]
    )
    review.submit(submitted, actor=cy, comment=SUBMITTED_SECRET)
    own = make_annotation(claim, bo, key="true", rationale="bo's own")
    return {"claim": claim, "draft": draft, "submitted": submitted, "own": own, "bo": bo}


def _job_file(client, desk):
    created = client.post("/api/v1/exports/", {"format": "jsonl", "filters": {"versions": "all"}}, format="json")
    if created.status_code != 202:
        return created
    jobs.run_job(created.json()["id"])
    job = ExportJob.objects.get(pk=created.json()["id"])
    assert job.status == "succeeded"
    return client.get(f"/api/v1/exports/{job.pk}/download/")


def _annotation_routes(name, path):
    """A route of one annotation, asked about the colleague's draft and the colleague's submitted one."""
    return {
        f"{name} (draft)": lambda c, d: c.get(path.format(a=d["draft"].pk)),
        f"{name} (submitted)": lambda c, d: c.get(path.format(a=d["submitted"].pk)),
    }


def _transition_routes(step):
    return {
        f"api:annotation-{step} ({which})": lambda c, d, which=which: c.post(
            f"/api/v1/annotations/{d[which].pk}/{step}/", {}, format="json"
        )
        for which in ("draft", "submitted")
    }


ROUTES = {
    "api:annotation-list": lambda c, d: c.get("/api/v1/annotations/"),
    "api:annotation-list (by claim)": lambda c, d: c.get("/api/v1/annotations/", {"claim": d["claim"].pk}),
    **_annotation_routes("api:annotation-detail", "/api/v1/annotations/{a}/"),
    **_annotation_routes("api:annotation-detail (as_of)", "/api/v1/annotations/{a}/?as_of=2999-01-01T00:00:00Z"),
    **_annotation_routes("api:annotation-versions", "/api/v1/annotations/{a}/versions/"),
    **_annotation_routes("api:annotation-version-detail", "/api/v1/annotations/{a}/versions/1/"),
    **_annotation_routes("api:annotation-diff", "/api/v1/annotations/{a}/diff/?from=1&to=2"),
    **_annotation_routes("api:annotation-transitions", "/api/v1/annotations/{a}/transitions/"),
    **{
        f"api:annotation-revert ({which})": lambda c, d, which=which: c.post(
            f"/api/v1/annotations/{d[which].pk}/revert/", {"version": 1}, format="json", HTTP_IF_MATCH='"2"'
        )
        for which in ("draft", "submitted")
    },
    **_transition_routes("submit"),
    **_transition_routes("approve"),
    **_transition_routes("reject"),
    **_transition_routes("reopen"),
    "api:claim-annotations": lambda c, d: c.get(f"/api/v1/claims/{d['claim'].pk}/annotations/"),
    "api:claim-detail": lambda c, d: c.get(f"/api/v1/claims/{d['claim'].pk}/"),
    "api:claim-list": lambda c, d: c.get("/api/v1/claims/"),
    "api:claim-list (search)": lambda c, d: c.get("/api/v1/claims/", {"q": "reasoning"}),
    "api:claim-similar": lambda c, d: c.get(f"/api/v1/claims/{d['claim'].pk}/similar/"),
    "api:article-claims": lambda c, d: c.get(f"/api/v1/articles/{d['claim'].article_id}/claims/"),
    "api:article-detail": lambda c, d: c.get(f"/api/v1/articles/{d['claim'].article_id}/"),
    "api:article-list": lambda c, d: c.get("/api/v1/articles/"),
    "api:agreement-detail": lambda c, d: c.get("/api/v1/agreement/"),
    "api:stats-detail": lambda c, d: c.get("/api/v1/stats/"),
    "api:event-list": lambda c, d: c.get("/api/v1/events/"),
    "api:event-export-csv": lambda c, d: c.get("/api/v1/events/export.csv"),
    "api:event-export-jsonl": lambda c, d: c.get("/api/v1/events/export.jsonl"),
    "api:export-verdicts-csv": lambda c, d: c.get("/api/v1/exports/verdicts.csv", {"versions": "all"}),
    "api:export-verdicts-csv (reviewer filter)": lambda c, d: c.get(
        "/api/v1/exports/verdicts.csv", {"versions": "all", "reviewer": "ana"}
    ),
    "api:export-evidence-csv": lambda c, d: c.get("/api/v1/exports/evidence.csv", {"versions": "all"}),
    "api:export-webannotation": lambda c, d: c.get("/api/v1/exports/webannotation.jsonld", {"versions": "all"}),
    "api:export-list": lambda c, d: c.get("/api/v1/exports/"),
    "api:claim-comments": lambda c, d: c.get(f"/api/v1/claims/{d['claim'].pk}/comments/"),
    "api:claim-prior-factchecks": lambda c, d: c.get(f"/api/v1/claims/{d['claim'].pk}/prior-factchecks/"),
    "api:assignment-list": lambda c, d: c.get("/api/v1/assignments/", {"claim": d["claim"].pk}),
    "api:me-assignments": lambda c, d: c.get("/api/v1/me/assignments/"),
    "api:me-notifications": lambda c, d: c.get("/api/v1/me/notifications/"),
    "claim-detail": lambda c, d: c.get(f"/claims/{d['claim'].pk}/", follow=True),
    "my-work": lambda c, d: c.get("/my-work/"),
    "notification-list": lambda c, d: c.get("/notifications/"),
    "api:export-detail + api:export-download": _job_file,
    "article-detail": lambda c, d: c.get(f"/articles/{d['claim'].article_id}/"),
    "article-list": lambda c, d: c.get("/"),
    "claim-search": lambda c, d: c.get("/search/", {"q": "reasoning"}),
    "review-queue": lambda c, d: c.get("/review/"),
    "dashboard": lambda c, d: c.get("/dashboard/"),
    "export-list": lambda c, d: c.get("/exports/"),
    "audit-events": lambda c, d: c.get("/audit/"),
}

# Routes that expose no annotation, whoever asks.
EXEMPT = {
    "api-docs", "schema", "api:api-root", "api:auth-logout", "api:auth-token", "api:me-detail",
    "api:verdict-detail", "api:verdict-list", "verdict-styles", "login", "logout", "article-add",
    "api:article-fetch", "api:article-fetch-detail", "api:article-import", "api:article-refetch",
    "api:article-revisions", "api:article-revision-detail", "api:claim-matches", "api:claim-match-detail",
    # Editors' writes, people's own settings, and prior fact-checks (other desks' published verdicts).
    "api:assignment-detail", "api:claim-words-decision", "article-assign", "preferences",
    "api:me-notifications-read", "api:people-list", "api:prior-factcheck-detail", "api:prior-factcheck-list",
    "api:prior-import-detail", "api:prior-import-list", "api:rating-mapping-detail", "api:rating-mapping-list",
    "api:rating-mapping-unmapped", "prior-factcheck-list",
    # A comment by id: the discussion's own blind-review rule is tested route by route in test_comments.py.
    "api:comment-detail", "api:comment-revisions",
    # The interface language (a person's own setting) and the scripts' translation catalogue.
    "language-set", "javascript-catalog",
}  # fmt: skip


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _route_names(
                pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif pattern.name:
            yield namespace + pattern.name


def test_every_route_is_checked_for_blind_review_or_declared_exempt():
    names = {name for name in _route_names(get_resolver().url_patterns) if not name.startswith("admin:")}
    checked = {name for key in ROUTES for name in key.split(" (")[0].split(" + ")}
    assert sorted(names - checked - EXEMPT) == []


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_reviewer_who_has_not_submitted_reads_no_colleagues_verdict(api, desk, route):
    body = _body(ROUTES[route](api(desk["bo"]), desk))
    assert DRAFT_SECRET not in body
    assert SUBMITTED_SECRET not in body


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_reviewer_who_has_submitted_still_reads_no_colleagues_draft(api, desk, route):
    review.submit(desk["own"], actor=desk["bo"])
    body = _body(ROUTES[route](api(desk["bo"]), desk))
    assert DRAFT_SECRET not in body


@pytest.mark.parametrize("route", ["detail", "versions", "transitions"])
def test_after_submitting_the_colleagues_submitted_verdict_opens(api, desk, route):
    review.submit(desk["own"], actor=desk["bo"])
    suffix = "" if route == "detail" else f"{route}/"
    response = api(desk["bo"]).get(f"/api/v1/annotations/{desk['submitted'].pk}/{suffix}")
    assert response.status_code == 200
    assert SUBMITTED_SECRET in response.content.decode()


def test_after_submitting_the_claims_annotations_are_ones_own_and_the_submitted_ones(api, desk):
    review.submit(desk["own"], actor=desk["bo"])
    listed = api(desk["bo"]).get(f"/api/v1/claims/{desk['claim'].pk}/annotations/").json()["results"]
    assert sorted(item["reviewer"] for item in listed) == ["bo", "cy"]


def test_drafts_stay_private_with_blind_review_off(api, desk, settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "BLIND_REVIEW": False}
    listed = api(desk["bo"]).get(f"/api/v1/claims/{desk['claim'].pk}/annotations/").json()["results"]
    assert sorted(item["reviewer"] for item in listed) == ["bo", "cy"]


def test_editors_read_the_draft(api, desk):
    editor = UserFactory(role="editor")
    response = api(editor).get(f"/api/v1/annotations/{desk['draft'].pk}/")
    assert response.status_code == 200
    assert DRAFT_SECRET in response.content.decode()
