"""Celery tasks: thin wrappers taking ids; the work is in annotations.exports.jobs.

The services enqueue these tasks; a task imports its service inside its body, so the two
modules do not import each other in a circle.

`run_export_job` may run twice for one job (redelivery after a lost worker):
`jobs.run_job` restarts an interrupted job from scratch and ignores a finished one. A run cut off by
the database going away is retried (with backoff) the same way.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # The database went away mid-job (restart, failover): try again shortly; the next run starts the
    # job from scratch under a new attempt, so it is never left `running` with nobody running it.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=6,
)
def run_export_job(job_id: str) -> None:
    from .exports import jobs

    jobs.run_job(job_id)


@shared_task
def expire_export_files() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): delete export files past their expiry."""
    from .exports import jobs

    return jobs.expire_jobs()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_fetch_job(job_id: str) -> None:
    """Fetch an article's page (jobs.run_fetch_job); a finished job is left as it is."""
    from .fetching import jobs as fetch_jobs

    fetch_jobs.run_fetch_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_prior_import(job_id: str) -> None:
    """Import prior fact-checks (priors.jobs.run_import_job); a finished job is left as it is."""
    from .priors import jobs as prior_jobs

    prior_jobs.run_import_job(job_id)


@shared_task
def refresh_prior_feeds() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): a refresh job for each configured prior fact-check feed."""
    from .priors import jobs as prior_jobs

    return len(prior_jobs.start_feed_refresh())
