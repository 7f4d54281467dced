"""Export jobs: start one, run it in a worker into a file, report progress, expire old files.

A run writes `<job>-<attempt>.<ext>.part`, hashes it as it goes, and only
after the file is complete and fsynced renames it into place and marks the job
succeeded, in one conditional UPDATE naming its attempt. So:

- a worker killed mid-job leaves the job `running` with at most a `.part`
  file; the broker redelivers the task (acks late, reject on worker lost) and
  the next run starts from scratch under a new attempt number;
- should two runs of one job ever overlap (a redelivery while the first is
  still alive), only the newest attempt can mark the job done, and each writes
  its own file, so a job never points at a partial or foreign file.
"""

import contextlib
import datetime
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from .. import audit
from ..exceptions import TaskQueueUnavailable
from ..models import ExportJob
from ..tasks import run_export_job
from .claimreview import write_claimreview
from .csv import Progress, write_csv
from .filters import ExportFilters, parse_filters
from .jsonl import write_jsonl
from .query import count_rows
from .sheets import evidence_csv_statement, parse_sheet_options, verdicts_csv_statement
from .webannotation import write_webannotation

logger = logging.getLogger(__name__)

Status = ExportJob.Status
MAX_ATTEMPTS = 3

# format: (file extension, content type)
FILE_TYPES = {
    ExportJob.Format.CSV: ("csv", "text/csv; charset=utf-8"),
    ExportJob.Format.JSONL: ("jsonl", "application/jsonl; charset=utf-8"),
    ExportJob.Format.CLAIMREVIEW: ("jsonld", "application/ld+json; charset=utf-8"),
    ExportJob.Format.CLAIMREVIEW_FEED: ("json", "application/ld+json; charset=utf-8"),
    ExportJob.Format.WEBANNOTATION: ("jsonld", 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'),
    ExportJob.Format.EVIDENCE: ("csv", "text/csv; charset=utf-8"),
}
# The start of a file's name: what it holds (the scope and the time follow).
FILE_STEMS = {
    ExportJob.Format.CSV: "verdicts",
    ExportJob.Format.JSONL: "verdicts",
    ExportJob.Format.CLAIMREVIEW: "claimreview",
    ExportJob.Format.CLAIMREVIEW_FEED: "claimreview-feed",
    ExportJob.Format.WEBANNOTATION: "webannotation",
    ExportJob.Format.EVIDENCE: "evidence",
}


def scope_name(filters: dict) -> str:
    """Which verdicts, for a file name: `published`, `all-versions`, then the filters' values."""
    parts = ["all-versions" if filters.get("versions") == "all" else "published"]
    for name in ("article", "language", "verdict", "status", "reviewer", "date_from", "date_to"):
        if filters.get(name):
            value = "".join(c if c.isalnum() or c in "-." else "-" for c in str(filters[name]))[:40]
            parts.append(f"{name.replace('_', '')}-{value}")
    return "-".join(parts)


def writer_for(export_format: str, *, bom: bool = False, sheet: dict | None = None) -> Callable[..., int]:
    """The function that writes `export_format`: writer(filters, write, connection=, progress=) -> rows.

    `sheet`: the spreadsheet options of the CSV formats (exports.sheets), as stored with the job."""
    options, excel = parse_sheet_options(sheet or {})
    if export_format in (ExportJob.Format.CSV, ExportJob.Format.EVIDENCE):
        evidence = export_format == ExportJob.Format.EVIDENCE

        def write_sheet(filters, write, *, connection, **kwargs) -> int:
            statement = (
                evidence_csv_statement(filters, connection)
                if evidence
                else verdicts_csv_statement(filters, options, connection)
            )
            return write_csv(filters, write, connection=connection, bom=bom or excel, statement=statement, **kwargs)

        return write_sheet
    if export_format == ExportJob.Format.CLAIMREVIEW_FEED:
        return lambda filters, write, **kwargs: write_claimreview(filters, write, feed=True, **kwargs)
    return {
        ExportJob.Format.JSONL: write_jsonl,
        ExportJob.Format.CLAIMREVIEW: write_claimreview,
        ExportJob.Format.WEBANNOTATION: write_webannotation,
    }[export_format]


def export_dir() -> Path:
    return Path(settings.FACTCHECK["EXPORT_DIR"])


def file_path(job: ExportJob) -> Path | None:
    return export_dir() / job.file if job.file else None


def start_export(
    *, user, export_format: str, filters: ExportFilters, bom: bool = False, sheet: dict | None = None
) -> ExportJob:
    """Record a queued job and hand it to a worker once the record is committed."""
    stored = {**filters.params, **({"bom": "1"} if bom else {}), **(sheet or {})}
    with transaction.atomic():
        job = ExportJob.objects.create(format=export_format, filters=stored, as_of=filters.as_of, created_by=user)
        audit.record("export_run", actor=user, data={"job": str(job.pk), "format": export_format, "filters": stored})
        transaction.on_commit(lambda: _enqueue(run_export_job, job))
    return job


def _enqueue(task, job: ExportJob) -> None:
    """Hand the job to a worker; if the broker is unreachable (after Celery's publish retries), the job
    is marked failed with the reason, never left queued with no task behind it."""
    try:
        task.delay(str(job.pk))
    except KombuOperationalError as error:
        reason = _("The task queue was unreachable, so the export never started; start it again.")
        ExportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
            status=Status.FAILED, error=reason, finished_at=timezone.now()
        )
        raise TaskQueueUnavailable(reason) from error


def run_job(job_id) -> None:
    """Run (or re-run from scratch) a queued or interrupted job; a finished one is left alone."""
    job = _begin(job_id)
    if job is None:
        return
    attempt = job.attempts
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob(f"{job.pk}-*.part"):  # from an interrupted attempt
        leftover.unlink(missing_ok=True)
    extension = FILE_TYPES[job.format][0]
    name = f"{job.pk}-{attempt}.{extension}"
    partial = directory / f"{name}.part"
    try:
        filters = parse_filters(job.filters, as_of=job.as_of)
        _update(job, attempt, rows_total=count_rows(filters, connection))
        write = writer_for(job.format, bom=job.filters.get("bom") in ("1", "true"), sheet=job.filters)
        progress = Progress()
        digest = hashlib.sha256()
        with open(partial, "wb") as out, _reporting(job, attempt, progress):

            def write_block(block: bytes) -> None:
                digest.update(block)
                out.write(block)

            rows = write(filters, write_block, connection=connection, progress=progress)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, directory / name)
    except Exception as error:
        partial.unlink(missing_ok=True)
        logger.exception("export job %s failed", job.pk)
        _update(job, attempt, status=Status.FAILED, error=_reason(error), finished_at=timezone.now())
        return
    now = timezone.now()
    finished = _update(
        job,
        attempt,
        status=Status.SUCCEEDED,
        file=name,
        checksum=digest.hexdigest(),
        row_count=rows,
        rows_done=rows,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.FACTCHECK["EXPORT_TTL_HOURS"]),
    )
    if not finished:  # a newer attempt took the job over; its own file is the one that counts
        (directory / name).unlink(missing_ok=True)


def expire_jobs(now=None) -> int:
    """Delete the files of succeeded jobs past their expiry (and stale partial files); returns jobs expired."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=Status.SUCCEEDED, expires_at__lte=now):
        path = file_path(job)
        if ExportJob.objects.filter(pk=job.pk, status=Status.SUCCEEDED).update(status=Status.EXPIRED, file=""):
            expired += 1
            if path is not None:
                path.unlink(missing_ok=True)
    ttl = settings.FACTCHECK["EXPORT_TTL_HOURS"] * 3600
    directory = export_dir()
    if directory.is_dir():
        for partial in directory.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if partial.stat().st_mtime < now.timestamp() - ttl:
                    partial.unlink()
    return expired


@transaction.atomic
def _begin(job_id) -> ExportJob | None:
    job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status not in (Status.QUEUED, Status.RUNNING):
        return None
    if job.status == Status.RUNNING and job.attempts >= MAX_ATTEMPTS:
        job.status = Status.FAILED
        job.error = f"The export was interrupted {job.attempts} times (its worker was lost); giving up."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return None
    job.attempts += 1
    job.status = Status.RUNNING
    job.rows_done = 0
    job.rows_total = None
    job.error = ""
    job.started_at = timezone.now()
    job.save(update_fields=["attempts", "status", "rows_done", "rows_total", "error", "started_at"])
    return job


def _update(job: ExportJob, attempt: int, **fields) -> bool:
    """Change the job only if this run is still its current attempt."""
    return bool(ExportJob.objects.filter(pk=job.pk, attempts=attempt, status=Status.RUNNING).update(**fields))


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return f"{type(error).__name__}: {error}"[:2000]


@contextlib.contextmanager
def _reporting(job: ExportJob, attempt: int, progress: Progress) -> Iterator[None]:
    """Report `rows_done` every EXPORT_PROGRESS_SECONDS from a thread with its own database connection
    (the job's connection is busy streaming rows)."""
    interval = settings.FACTCHECK.get("EXPORT_PROGRESS_SECONDS", 1.0)
    stop = threading.Event()

    def report() -> None:
        from django.db import connection as own_connection  # this thread's own connection

        try:
            reported = -1
            while not stop.wait(interval):
                if progress.rows != reported:
                    reported = progress.rows
                    _update(job, attempt, rows_done=reported)
        finally:
            own_connection.close()

    thread = threading.Thread(target=report, name=f"export-progress-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
