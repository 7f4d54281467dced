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

from .factories import PASSWORD, ClaimFactory, UserFactory, make_annotation, publish

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
def editor_token(db, client):
    """A real token from the token endpoint (whatever kind of token it issues)."""
    editor = UserFactory(role="editor", username="contract-editor")
    reviewer = UserFactory(role="reviewer", username="contract-reviewer")
    # Something to find: a claim with a published verdict, one without, annotations with versions.
    published = make_annotation(ClaimFactory(), reviewer)
    publish(published, editor)
    make_annotation(ClaimFactory(exact="fully funded"), reviewer)
    response = client.post(
        "/api/v1/auth/token/", {"username": editor.username, "password": PASSWORD}, content_type="application/json"
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
