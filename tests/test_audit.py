"""The audit trail: decisions become hash-chained events, editors read and export them, and the
chain check names the first tampered row."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from annotations import audit, review

from .factories import ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(reviewer, editor):
    annotation = make_annotation(ClaimFactory(), reviewer, rationale="=HYPERLINK(1)")
    review.submit(annotation, actor=reviewer)
    review.approve(annotation, actor=editor)
    return annotation


def test_version_submission_and_approval_are_events_with_who_and_what(api, editor, decisions):
    results = api(editor).get("/api/v1/events/", {"claim": decisions.claim_id}).json()
    kinds = [(event["kind"], event["actor"]) for event in results["results"]]
    assert kinds[:3] == [("approved", editor.username), ("submitted", decisions.reviewer.username),
                         ("version_written", decisions.reviewer.username)]  # fmt: skip


def test_events_filter_by_kind_and_actor(api, editor, decisions):
    results = api(editor).get("/api/v1/events/", {"kind": "approved", "actor": editor.username}).json()["results"]
    assert [(event["kind"], event["annotation"]) for event in results] == [("approved", decisions.pk)]


def test_an_unknown_kind_is_refused_naming_the_field(api, editor):
    response = api(editor).get("/api/v1/events/", {"kind": "nonsense"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_events_are_for_editors(api, reviewer):
    assert api(reviewer).get("/api/v1/events/").status_code == 403


def test_the_request_address_is_kept_truncated(api, editor, decisions):
    client = api(editor)
    client.post(f"/api/v1/annotations/{decisions.pk}/reject/", {}, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="UA/1")
    event = client.get("/api/v1/events/", {"kind": "rejected"}).json()["results"][0]
    assert (event["address"], event["user_agent"]) == ("203.0.113.0/24", "UA/1")


def test_csv_export_neutralises_formula_cells(api, editor):
    audit.record("role_changed", actor=editor, data={"user": 1, "groups": "=cmd()"})
    response = api(editor).get("/api/v1/events/export.csv", {"kind": "role_changed"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert rows[-1]["data"].startswith("{")
    audit.record("role_changed", actor=None, data={})
    response = api(editor).get("/api/v1/events/export.csv", {"actor": editor.username})
    assert response["Content-Type"].startswith("text/csv")


def test_jsonl_export_has_one_event_a_line_with_its_hash(api, editor, decisions):
    response = api(editor).get("/api/v1/events/export.jsonl", {"claim": decisions.claim_id})
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert lines and all(len(line["hash"]) == 64 for line in lines)


def test_role_change_is_an_event(api, editor):
    UserFactory(role="viewer", username="newcomer")
    results = api(editor).get("/api/v1/events/", {"kind": "role_changed"}).json()["results"]
    assert any(event["data"].get("groups") == "viewer" for event in results)


def test_events_cannot_be_updated_or_deleted(decisions):
    with pytest.raises(Exception), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE annotations_auditevent SET kind = 'approved'")


def test_verify_events_passes_on_an_intact_chain(decisions, capsys):
    call_command("verify_events")
    assert "intact" in capsys.readouterr().out


def _tamper(sql: str) -> None:
    """As the superuser, with the append-only triggers off for this one statement."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE annotations_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql)
        cursor.execute("ALTER TABLE annotations_auditevent ENABLE TRIGGER USER")


def test_verify_events_names_an_edited_event(decisions):
    target = audit.record("export_run", data={"format": "csv"})
    audit.record("export_run", data={"format": "jsonl"})
    _tamper(f'UPDATE annotations_auditevent SET data = \'{{"format": "xlsx"}}\' WHERE id = {target.id}')
    with pytest.raises(CommandError, match=f"event {target.id}: its content does not match"):
        call_command("verify_events")


def test_verify_events_names_the_event_after_a_deleted_one(decisions):
    deleted = audit.record("export_run", data={"format": "csv"})
    after = audit.record("export_run", data={"format": "jsonl"})
    _tamper(f"DELETE FROM annotations_auditevent WHERE id = {deleted.id}")
    with pytest.raises(CommandError, match=f"event {after.id}: its previous hash"):
        call_command("verify_events")


def test_a_login_lockout_is_an_event(api, editor, settings):
    from rest_framework.test import APIClient

    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post("/api/v1/auth/token/", {"username": "editor", "password": "wrong"}, format="json")
    results = api(editor).get("/api/v1/events/", {"kind": "login_lockout"}).json()["results"]
    assert [event["data"]["username"] for event in results] == ["editor"]
