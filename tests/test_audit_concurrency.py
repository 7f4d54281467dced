"""The audit chain under concurrent decisions, on real separate PostgreSQL connections: appends are
serialised, so no two events chain to the same predecessor and the chain verifies."""

import pytest
from rest_framework.test import APIClient

from annotations import audit
from annotations.models import AuditEvent

from .factories import ClaimFactory, UserFactory, make_annotation
from .test_concurrency import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_saves_of_different_annotations_chain_one_after_another():
    claims = [ClaimFactory() for _ in range(8)]
    editor = UserFactory(role="editor", username="chain-editor")
    annotations = [make_annotation(claim, editor) for claim in claims]

    def save(index: int, client: APIClient):
        client.force_authenticate(editor)
        response = client.patch(
            f"/api/v1/annotations/{annotations[index].pk}/", {"confidence": index}, format="json", HTTP_IF_MATCH='"1"'
        )
        return response.status_code

    assert run_in_threads(8, save) == [200] * 8
    previous = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(previous) == len(set(previous))
    assert audit.verify() == (len(previous), None)
