"""Export jobs: run by a real Celery worker on Redis, progress, checksum, a killed worker, failure, expiry, access."""

import datetime
import hashlib
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations import review
from annotations.exports import jobs
from annotations.models import ExportJob

from .factories import ClaimFactory, UserFactory, make_annotation, publish

JOBS = "/api/v1/exports/"
CSV = "/api/v1/exports/verdicts.csv"


def wait_for(condition, *, timeout: float = 60, interval: float = 0.05):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")


def published_claims(editor, reviewer, count: int) -> None:
    bodies = [f"Claim number {n} says the budget rose, «sì», by {n} percent." for n in range(count)]
    for body in bodies:
        claim = ClaimFactory(article__body=body, exact="the budget rose")
        publish(make_annotation(claim, reviewer, rationale=f"=checked\n{body}"), editor)


def job_state(job_id):
    return ExportJob.objects.get(pk=job_id)


def streamed_csv(client) -> bytes:
    return b"".join(client.get(CSV).streaming_content)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_csv_job_runs_on_a_worker_and_its_file_equals_the_streamed_csv(api, editor, reviewer, celery_worker_process):
    published_claims(editor, reviewer, 3)
    client = api(editor)

    response = client.post(JOBS, {"format": "csv", "filters": {}}, format="json")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"

    done = wait_for(lambda: (job := job_state(response.json()["id"])).status == "succeeded" and job)
    detail = client.get(f"{JOBS}{done.pk}/").json()
    download = client.get(detail["download_url"])
    content = b"".join(download.streaming_content)

    assert download.status_code == 200
    assert content == streamed_csv(client)
    assert detail["checksum"] == hashlib.sha256(content).hexdigest()
    assert detail["row_count"] == detail["rows_done"] == detail["rows_total"] == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_job_interrupted_by_a_killed_worker_is_rerun_and_never_left_partial(api, editor, reviewer, celery_workers):
    published_claims(editor, reviewer, 12)
    slow = celery_workers(FACTCHECK_TEST_ROW_DELAY=0.25, FACTCHECK_EXPORT_PROGRESS_SECONDS=0.05)
    client = api(editor)
    job_id = client.post(JOBS, {"format": "csv"}, format="json").json()["id"]

    running = wait_for(lambda: (job := job_state(job_id)).status == "running" and job.rows_done > 0 and job)
    slow.kill()

    interrupted = job_state(job_id)
    assert interrupted.status == "running" and interrupted.file == "" and interrupted.checksum == ""
    assert 0 < running.rows_done < 12
    export_dir = jobs.export_dir()
    assert [path.suffix for path in export_dir.iterdir()] == [".part"]  # only the abandoned partial file

    celery_workers(CELERY_VISIBILITY_TIMEOUT=1)  # redelivers the unacknowledged task
    done = wait_for(lambda: (job := job_state(job_id)).status == "succeeded" and job)

    content = (export_dir / done.file).read_bytes()
    assert done.attempts == 2
    assert content == streamed_csv(client)
    assert done.checksum == hashlib.sha256(content).hexdigest()
    assert done.row_count == 12
    assert sorted(path.name for path in export_dir.iterdir()) == [done.file]


@pytest.mark.django_db
def test_failed_job_records_the_reason(editor, settings, tmp_path):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    job = ExportJob.objects.create(format="csv", filters={"verdict": "retired-verdict"}, created_by=editor)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "verdict" in job.error and "retired-verdict" in job.error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_running_a_finished_job_again_changes_nothing(editor, reviewer, settings, tmp_path):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    published_claims(editor, reviewer, 1)
    job = ExportJob.objects.create(format="jsonl", filters={}, created_by=editor)
    jobs.run_job(job.pk)
    first = ExportJob.objects.get(pk=job.pk)
    jobs.run_job(job.pk)
    again = ExportJob.objects.get(pk=job.pk)
    assert first.status == again.status == "succeeded"
    assert (again.attempts, again.file, again.checksum) == (first.attempts, first.file, first.checksum)


@pytest.mark.django_db
def test_expired_job_loses_its_file_and_download_says_gone(api, editor, reviewer, settings, tmp_path):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    published_claims(editor, reviewer, 1)
    job = ExportJob.objects.create(format="csv", filters={}, created_by=editor)
    jobs.run_job(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    call_command("expire_exports")

    job.refresh_from_db()
    assert job.status == "expired"
    assert list(tmp_path.iterdir()) == []
    assert api(editor).get(f"{JOBS}{job.pk}/download/").status_code == 410


@pytest.mark.django_db
def test_download_before_the_job_succeeded_is_a_conflict(api, editor):
    job = ExportJob.objects.create(format="csv", filters={}, created_by=editor)
    response = api(editor).get(f"{JOBS}{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["status"] == "queued"


@pytest.mark.django_db
def test_users_see_and_download_only_their_own_jobs(api, editor, viewer):
    mine = ExportJob.objects.create(format="csv", filters={}, created_by=viewer)
    theirs = ExportJob.objects.create(format="csv", filters={}, created_by=editor)
    client = api(viewer)
    assert [job["id"] for job in client.get(JOBS).json()["results"]] == [str(mine.pk)]
    assert client.get(f"{JOBS}{theirs.pk}/").status_code == 404
    assert client.get(f"{JOBS}{theirs.pk}/download/").status_code == 404
    assert api().get(f"{JOBS}{mine.pk}/download/").status_code in (401, 403)


@pytest.mark.django_db
def test_job_request_with_a_bad_filter_is_refused_naming_it(api, editor):
    response = api(editor).post(JOBS, {"format": "csv", "filters": {"verdict": "nope"}}, format="json")
    assert response.status_code == 400
    assert "verdict" in response.json()["filters"]
    response = api(editor).post(JOBS, {"format": "csv", "as_of": "last week"}, format="json")
    assert response.status_code == 400
    assert "as_of" in response.json()
    response = api(editor).post(JOBS, {"format": "csv", "filters": {"colour": "red"}}, format="json")
    assert "colour" in response.json()["filters"]


@pytest.mark.django_db
def test_viewer_job_for_all_versions_is_forbidden(api, viewer):
    response = api(viewer).post(JOBS, {"format": "jsonl", "filters": {"versions": "all"}}, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_reviewer_job_for_all_versions_is_limited_to_their_own_annotations(api, reviewer):
    response = api(reviewer).post(JOBS, {"format": "csv", "filters": {"versions": "all"}}, format="json")
    assert response.status_code == 202
    assert response.json()["filters"]["reviewer"] == "reviewer"
    other = UserFactory(role="reviewer", username="other")
    response = api(reviewer).post(
        JOBS, {"format": "csv", "filters": {"versions": "all", "reviewer": other.username}}, format="json"
    )
    assert response.status_code == 403


def job_rows(content: bytes) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def finished(job_id):
    return wait_for(lambda: (job := job_state(job_id)).status in ("succeeded", "failed") and job)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reviewer_all_versions_job_runs_and_its_file_holds_only_their_own_versions(
    api, editor, reviewer, celery_worker_process
):
    from annotations import versioning

    claim = ClaimFactory()
    own = publish(make_annotation(claim, reviewer, rationale="first"), editor)
    review.reopen(own, actor=editor)
    versioning.append_version(own, based_on=own.version, author=reviewer, rationale="second")
    make_annotation(claim, UserFactory(role="reviewer", username="colleague"), rationale="not yours")
    client = api(reviewer)

    job_id = client.post(JOBS, {"format": "csv", "filters": {"versions": "all"}}, format="json").json()["id"]
    done = finished(job_id)
    assert done.status == "succeeded", done.error
    content = b"".join(client.get(client.get(f"{JOBS}{job_id}/").json()["download_url"]).streaming_content)

    exported = job_rows(content)
    assert [(row["reviewer"], row["version"], row["rationale"]) for row in exported] == [
        ("reviewer", "1", "first"),
        ("reviewer", "2", "second"),
    ]
    assert done.row_count == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_as_of_job_before_a_republication_equals_the_streamed_csv_as_of_then(
    api, editor, reviewer, celery_worker_process
):
    from annotations import versioning

    from .factories import verdict

    annotation = publish(make_annotation(ClaimFactory(), reviewer, key="false"), editor)
    before = timezone.now()
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=annotation.version, author=reviewer, verdict=verdict("true"))
    publish(annotation, editor)
    client = api(editor)

    job_id = client.post(JOBS, {"format": "csv", "as_of": before.isoformat()}, format="json").json()["id"]
    done = finished(job_id)
    assert done.status == "succeeded", done.error
    content = (jobs.export_dir() / done.file).read_bytes()

    streamed = b"".join(client.get(CSV, {"as_of": before.isoformat()}).streaming_content)
    assert content == streamed
    assert [(row["verdict"], row["version"]) for row in job_rows(content)] == [("false", "1")]
    assert content != streamed_csv(client)  # the verdict now is the re-published one


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_job_that_lost_its_worker_three_times_ends_failed_with_a_reason(api, editor, reviewer, celery_workers):
    published_claims(editor, reviewer, 12)
    slow = {"FACTCHECK_TEST_ROW_DELAY": 0.25, "FACTCHECK_EXPORT_PROGRESS_SECONDS": 0.05}
    job_id = api(editor).post(JOBS, {"format": "csv"}, format="json").json()["id"]
    worker = celery_workers(**slow)
    for attempt in (1, 2, 3):
        wait_for(lambda a=attempt: (job := job_state(job_id)).attempts == a and job.rows_done > 0 and job)
        worker.kill()
        if attempt < 3:
            worker = celery_workers(**slow, CELERY_VISIBILITY_TIMEOUT=1)  # takes the unacknowledged task over

    celery_workers(CELERY_VISIBILITY_TIMEOUT=1)
    failed = wait_for(lambda: (job := job_state(job_id)).status == "failed" and job)
    assert failed.attempts == 3
    assert "interrupted 3 times" in failed.error
    assert failed.file == "" and failed.checksum == ""
    assert [path for path in jobs.export_dir().iterdir() if path.suffix != ".part"] == []
    detail = api(editor).get(f"{JOBS}{job_id}/").json()
    assert (detail["status"], detail["download_url"]) == ("failed", None)


@pytest.mark.django_db(transaction=True)
def test_only_the_newest_attempt_of_a_job_may_finish_it(api, editor, reviewer, settings, tmp_path, monkeypatch):
    import threading
    import time

    from django.db import connection

    from annotations.exports.csv import Progress

    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path, "EXPORT_PROGRESS_SECONDS": 0.05}
    row_delay = {"seconds": 0.2}  # the first attempt crawls; the redelivery runs at full speed
    count = Progress.add

    def slow_add(self, rows: int) -> None:
        count(self, rows)
        time.sleep(row_delay["seconds"] * rows)

    monkeypatch.setattr(Progress, "add", slow_add)
    published_claims(editor, reviewer, 10)
    job = ExportJob.objects.create(format="csv", filters={}, created_by=editor)

    def first_attempt() -> None:
        try:
            jobs.run_job(job.pk)
        finally:
            connection.close()  # this thread's own connection

    overtaken = threading.Thread(target=first_attempt)
    overtaken.start()
    wait_for(lambda: (state := job_state(job.pk)).attempts == 1 and state.rows_done > 0)
    row_delay["seconds"] = 0
    jobs.run_job(job.pk)  # a redelivery while the first run is still alive: attempt 2
    newest = job_state(job.pk)
    overtaken.join()

    done = job_state(job.pk)
    assert (done.status, done.attempts, done.file) == ("succeeded", 2, f"{job.pk}-2.csv")
    assert (done.checksum, done.row_count) == (newest.checksum, 10)
    content = (tmp_path / done.file).read_bytes()
    assert done.checksum == hashlib.sha256(content).hexdigest()
    assert content == streamed_csv(api(editor))
    assert sorted(path.name for path in tmp_path.iterdir()) == [done.file]
