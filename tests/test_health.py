"""Probes for load balancers: /healthz (the process answers) and /readyz (database, migrations, broker)."""

import logging
import socket

import pytest


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_anonymous_probes_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access here an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_a_probe_sent_to_an_unlisted_host_name(client):
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_when_database_migrations_and_broker_are_fine(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_answers_503_naming_an_unreachable_broker_and_does_not_log_an_error(client, settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["broker"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"
    assert not [record for record in caplog.records if record.name == "django.request"]
