"""Exports never starve interactive work: a cap on streamed exports, their own job queue, proxy-sent files."""

import psycopg2
import pytest
from django.db import connection

from annotations.exports import jobs, slots
from annotations.models import ExportJob
from factcheck.celery import app

from .factories import ClaimFactory, make_annotation, publish

CSV = "/api/v1/exports/verdicts.csv"


@pytest.fixture
def other_process():
    """A separate database session, standing for another web process holding export slots."""
    db = connection.settings_dict
    other = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
    )
    other.autocommit = True
    yield other
    other.close()


def take_slots(other, count: int) -> None:
    with other.cursor() as cursor:
        for slot in range(count):
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [slots.LOCK_CLASS, slot])


def slots_held(other) -> int:
    """Slots held in this test database (advisory locks are per database; parallel test workers hold their own)."""
    with other.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [slots.LOCK_CLASS],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_streamed_export_beyond_the_limit_gets_429_with_retry_after_and_the_job_api(
    api, editor, settings, other_process
):
    settings.FACTCHECK = {**settings.FACTCHECK, "STREAMED_EXPORTS_MAX": 2}
    take_slots(other_process, 2)

    response = api(editor).get(CSV)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["jobs_url"].endswith("/api/v1/exports/")
    assert body["retry_after"] == int(response["Retry-After"])


@pytest.mark.django_db
def test_streamed_export_runs_while_a_slot_is_free_and_gives_it_back_when_done(
    api, editor, reviewer, settings, other_process
):
    settings.FACTCHECK = {**settings.FACTCHECK, "STREAMED_EXPORTS_MAX": 2}
    publish(make_annotation(ClaimFactory(), reviewer), editor)
    take_slots(other_process, 1)
    client = api(editor)

    response = client.get(CSV)
    assert response.status_code == 200
    assert slots_held(other_process) == 2  # this download holds the second slot while it streams
    rows = b"".join(response.streaming_content).splitlines()  # the test client closes the response at the end

    assert len(rows) == 2  # header and the one published verdict
    assert slots_held(other_process) == 1
    again = client.get(CSV)
    assert again.status_code == 200
    again.close()


def test_export_jobs_go_to_their_own_queue():
    route = app.amqp.router.route({}, "annotations.tasks.run_export_job")
    assert route["queue"].name == "exports"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "header", "expected"),
    [
        ("x-accel-redirect", "X-Accel-Redirect", lambda path: f"/protected-exports/{path.name}"),
        ("x-sendfile", "X-Sendfile", str),
    ],
)
def test_finished_job_file_is_handed_to_the_front_proxy_when_configured(
    api, editor, reviewer, settings, tmp_path, mode, header, expected
):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path, "EXPORT_SENDFILE": mode}
    publish(make_annotation(ClaimFactory(), reviewer), editor)
    job = ExportJob.objects.create(format="csv", filters={}, created_by=editor)
    jobs.run_job(job.pk)
    job.refresh_from_db()

    response = api(editor).get(f"/api/v1/exports/{job.pk}/download/")

    assert response.status_code == 200
    assert response[header] == expected(jobs.file_path(job))
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Checksum-SHA256"] == job.checksum


@pytest.mark.django_db
def test_finished_job_file_is_sent_by_the_app_by_default(api, editor, reviewer, settings, tmp_path):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    publish(make_annotation(ClaimFactory(), reviewer), editor)
    job = ExportJob.objects.create(format="csv", filters={}, created_by=editor)
    jobs.run_job(job.pk)

    response = api(editor).get(f"/api/v1/exports/{job.pk}/download/")

    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == jobs.file_path(ExportJob.objects.get(pk=job.pk)).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_export_job_started_while_the_broker_is_unreachable_gets_503_and_is_not_left_queued(api, editor, monkeypatch):
    from kombu.exceptions import OperationalError

    from annotations.tasks import run_export_job

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_export_job, "delay", unreachable)

    response = api(editor).post("/api/v1/exports/", {"format": "csv"}, format="json")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    job = ExportJob.objects.get()
    assert job.status == "failed"
    assert "start it again" in job.error
