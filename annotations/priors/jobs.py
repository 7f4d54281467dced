"""Import jobs for prior fact-checks: an uploaded file, a URL (a feed or a fact-check page), or the
scheduled refresh of the configured feeds (FACTCHECK['PRIOR_FEEDS']), each run by a Celery task.

`start_import` checks what can be refused at once (no file nor URL, a refused address) and enqueues the
job on commit; `run_import_job` can run twice safely: a finished job is left as it is. Counts and progress
are written after every batch, so a client polling the job sees it move.
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..fetching import policy
from ..fetching.fetcher import FetchFailed
from ..models import PriorFeed, PriorImportJob, PriorSource
from . import readers
from .download import download
from .importing import Counts, import_items

log = logging.getLogger(__name__)


def _options() -> dict:
    config = settings.FACTCHECK
    return {
        "allow_hosts": config["FETCH_ALLOW_HOSTS"],
        "timeout_s": config["PRIOR_FEED_TIMEOUT_S"],
        "max_bytes": config["PRIOR_FEED_MAX_BYTES"],
    }


def _enqueue(job: PriorImportJob) -> None:
    from ..tasks import run_prior_import

    transaction.on_commit(lambda: run_prior_import.delay(str(job.pk)))


def _upload_dir() -> Path:
    directory = Path(settings.FACTCHECK["EXPORT_DIR"]).parent / "prior-imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@transaction.atomic
def start_import(*, created_by, url: str = "", upload=None) -> PriorImportJob:
    """A queued import of an uploaded file or of a URL. Raises ValidationError or policy.Refused (400)."""
    if bool(url) == (upload is not None):
        raise ValidationError({"file": _("Send either a file or a url, not both and not neither.")})
    if url:
        url = url.strip()
        policy.check_url(url, allow_hosts=_options()["allow_hosts"])
        job = PriorImportJob.objects.create(url=url, created_by=created_by)
    else:
        with tempfile.NamedTemporaryFile(dir=_upload_dir(), prefix="upload-", delete=False) as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = PriorImportJob.objects.create(
            file_path=out.name, file_name=(upload.name or "upload")[:300], created_by=created_by
        )
    _enqueue(job)
    return job


def start_feed_refresh() -> list[PriorImportJob]:
    """Jobs refreshing every configured feed (the Celery beat task's work)."""
    jobs = []
    for url in settings.FACTCHECK["PRIOR_FEEDS"]:
        with transaction.atomic():
            feed, _ = PriorFeed.objects.get_or_create(url=url)
            job = PriorImportJob.objects.create(url=url, feed=feed)
            _enqueue(job)
        jobs.append(job)
    return jobs


def run_import_job(job_id: str) -> None:
    job = PriorImportJob.objects.select_related("feed").filter(pk=job_id).first()
    if job is None or job.status in (PriorImportJob.Status.SUCCEEDED, PriorImportJob.Status.FAILED):
        return
    PriorImportJob.objects.filter(pk=job.pk).update(status=PriorImportJob.Status.RUNNING, started_at=timezone.now())
    counts = Counts()
    try:
        counts = _run(job)
    except (FetchFailed, policy.Refused, readers.FileUnreadable) as failure:
        _finish(job, PriorImportJob.Status.FAILED, counts, error=str(failure))
    except Exception:
        log.exception("prior import job %s failed", job.pk)
        _finish(job, PriorImportJob.Status.FAILED, counts, error="the import stopped (an error on our side)")
    else:
        _finish(job, PriorImportJob.Status.SUCCEEDED, counts)


def _run(job: PriorImportJob) -> Counts:
    if job.file_path:
        try:
            return _import_file(job, job.file_path, name=job.file_name, kind=PriorSource.FILE, source=job.file_name)
        finally:
            Path(job.file_path).unlink(missing_ok=True)
    feed = job.feed
    fetched = download(
        job.url,
        **_options(),
        etag=feed.etag if feed else "",
        last_modified=feed.last_modified if feed else "",
    )
    if fetched.path is None:
        PriorImportJob.objects.filter(pk=job.pk).update(not_modified=True)
        _remember(feed, fetched)
        return Counts()
    try:
        with open(fetched.path, "rb") as stream:
            kind = readers.detect_format(
                stream.read(readers.SNIFF_BYTES), name=job.url, content_type=fetched.content_type
            )
        source_kind = PriorSource.PAGE if kind == "html" else PriorSource.FEED
        counts = _import_file(job, fetched.path, name=job.url, kind=source_kind, source=fetched.url, fmt=kind)
    finally:
        os.unlink(fetched.path)
    _remember(feed, fetched)
    return counts


def _remember(feed: PriorFeed | None, fetched) -> None:
    """Keep the validators for the next conditional GET (only once the feed was read through).

    A full answer replaces them all: an ETag it no longer sends would otherwise be sent again, match
    nothing, and take precedence over If-Modified-Since, so the whole feed would be fetched every time.
    A 304 may leave out the validators it confirms; those are kept."""
    if feed is None:
        return
    etag, last_modified = fetched.etag, fetched.last_modified
    if fetched.path is None:  # not modified
        etag, last_modified = etag or feed.etag, last_modified or feed.last_modified
    PriorFeed.objects.filter(pk=feed.pk).update(etag=etag, last_modified=last_modified, checked_at=timezone.now())


def _import_file(job, path: str, *, name: str, kind: str, source: str, fmt: str | None = None) -> Counts:
    with open(path, "rb") as stream:
        fmt = fmt or readers.detect_format(stream.read(readers.SNIFF_BYTES), name=name)
        stream.seek(0)
        items = readers.read_items(stream, fmt, base_url=source if kind == PriorSource.PAGE else "")
        return import_items(items, source_kind=kind, source=source, job=job, on_batch=lambda c: _progress(job, c))


def _progress(job: PriorImportJob, counts: Counts) -> None:
    PriorImportJob.objects.filter(pk=job.pk).update(
        items_done=counts.items, new=counts.new, updated=counts.updated, unchanged=counts.unchanged,
        refused=counts.refused, errors=counts.errors,
    )  # fmt: skip


def _finish(job: PriorImportJob, status: str, counts: Counts, *, error: str = "") -> None:
    if counts.items:
        _progress(job, counts)
    PriorImportJob.objects.filter(pk=job.pk).update(status=status, error=error, finished_at=timezone.now())
