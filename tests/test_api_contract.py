"""The published OpenAPI contract (/api/schema/) is what the API answers: schemathesis checks every
operation, as an editor, against its documented status codes, content types, headers and bodies."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotations.models import PriorFactCheck, PriorImportJob
from annotations.priors import linking, ratings
from annotations.priors.importing import import_items

from .factories import PASSWORD, ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish, verdict
from .test_prior_import import review

JSON = "application/json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _load_schema():
    from factcheck.wsgi import application

    # Logging out would revoke the token the run authenticates with.
    # The exhaustive coverage phase would take minutes; the fuzzing phase, positive and negative,
    # with a fixed seed and a bounded number of examples, runs in seconds.
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    return schema.exclude(path_regex=r"/auth/logout/$")


schema = _load_schema()


@pytest.fixture
def in_test_transaction(db):
    """The requests run inside this test's transaction: as Django's test client does, keep the end
    of a request from closing the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contract_data(db):
    """Something to find: a claim with a published verdict, one without, annotations with versions."""
    editor = UserFactory(role="editor", username="contract-editor")
    reviewer = UserFactory(role="reviewer", username="contract-reviewer")
    published = make_annotation(ClaimFactory(), reviewer)
    publish(published, editor)
    draft = make_annotation(ClaimFactory(exact="fully funded"), reviewer)
    prior = review(1, claimReviewed="The bridge was fully funded by the region")
    import_items(enumerate([prior], start=1), source_kind="file", source="contract")
    prior = PriorFactCheck.objects.get()
    checked = ClaimFactory(article=ArticleFactory(body="The bridge was fully funded."), exact="fully funded")
    linking.link_prior(checked, prior, actor=reviewer)
    import_job = PriorImportJob.objects.create(created_by=editor, url="https://feeds.example.org/claimreview.json")
    mapping = ratings.save_mapping(None, actor=editor, rating_name="Pants on Fire", verdict=verdict("false"))
    return {
        "editor": editor, "published": published, "draft": draft, "prior": prior, "checked": checked,
        "import_job": import_job, "mapping": mapping,
    }  # fmt: skip


@pytest.fixture
def editor_token(contract_data, client):
    """A real token from the token endpoint (whatever kind of token it issues)."""
    response = client.post(
        "/api/v1/auth/token/",
        {"username": contract_data["editor"].username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def editor_headers(editor_token, in_test_transaction):
    """After the token is fetched: Django's test client reconnects the signals when it is done."""
    return {"Authorization": f"Token {editor_token}"}


@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, editor_headers):
    case.call_and_validate(headers=editor_headers, checks=CHECKS)


def test_real_resources_answer_as_the_schema_says(contract_data, editor_headers):
    """Fuzzed ids rarely name a real resource: walk the ones the fixture made, published and not."""
    published, draft = contract_data["published"], contract_data["draft"]
    cases = [
        ("/api/v1/claims/", "GET", {}, {}),
        ("/api/v1/claims/", "GET", {}, {"q": "funded", "include": "prior"}),
        ("/api/v1/claims/{id}/", "GET", {"id": published.claim_id}, {}),
        ("/api/v1/claims/{id}/", "GET", {"id": draft.claim_id}, {}),
        ("/api/v1/articles/", "GET", {}, {}),
        ("/api/v1/articles/{id}/", "GET", {"id": draft.claim.article_id}, {}),
        ("/api/v1/articles/{id}/claims/", "GET", {"id": draft.claim.article_id}, {}),
        ("/api/v1/annotations/", "GET", {}, {}),
        ("/api/v1/annotations/{id}/", "GET", {"id": published.pk}, {}),
        ("/api/v1/annotations/{id}/", "GET", {"id": published.pk}, {"as_of": "2999-01-01T00:00:00Z"}),
        ("/api/v1/annotations/{id}/versions/", "GET", {"id": draft.pk}, {}),
        ("/api/v1/annotations/{id}/versions/{number}/", "GET", {"id": draft.pk, "number": 1}, {}),
        ("/api/v1/annotations/{id}/transitions/", "GET", {"id": published.pk}, {}),
        ("/api/v1/claims/{claim_pk}/annotations/", "GET", {"claim_pk": draft.claim_id}, {}),
        ("/api/v1/agreement/", "GET", {}, {}),
        ("/api/v1/verdicts/", "GET", {}, {}),
        ("/api/v1/claims/{id}/similar/", "GET", {"id": contract_data["checked"].pk}, {}),
        ("/api/v1/claims/{claim_pk}/prior-factchecks/", "GET", {"claim_pk": contract_data["checked"].pk}, {}),
        ("/api/v1/prior-factchecks/", "GET", {}, {"q": "bridge"}),
        ("/api/v1/prior-factchecks/{id}/", "GET", {"id": contract_data["prior"].pk}, {}),
        ("/api/v1/prior-factchecks/imports/{job_id}/", "GET", {"job_id": contract_data["import_job"].pk}, {}),
        ("/api/v1/rating-mappings/", "GET", {}, {}),
        ("/api/v1/rating-mappings/{id}/", "GET", {"id": contract_data["mapping"].pk}, {}),
        ("/api/v1/rating-mappings/unmapped/", "GET", {}, {}),
    ]
    for path, method, path_parameters, query in cases:
        case = schema[path][method].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers=editor_headers, checks=CHECKS)
        assert response.status_code == 200, (path, response.text)

    new_article = {"title": "T", "body": "Text.", "language": "en"}
    article = schema["/api/v1/articles/"]["POST"].Case(body=new_article, media_type=JSON)
    assert article.call_and_validate(headers=editor_headers, checks=CHECKS).json()["claim_count"] == 0

    def change(confidence: int):
        operation = schema["/api/v1/annotations/{id}/"]["PATCH"]
        case = operation.Case(
            path_parameters={"id": draft.pk},
            headers={"If-Match": '"1"'},
            body={"confidence": confidence},
            media_type=JSON,
        )
        return case.call_and_validate(headers=editor_headers, checks=CHECKS)

    saved = change(10)
    assert (saved.status_code, saved.headers["etag"]) == (200, ['"2"'])
    stale = change(20)
    assert (stale.status_code, stale.headers["etag"]) == (412, ['"2"'])
