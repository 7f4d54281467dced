"""Celery tasks: thin wrappers taking ids; the work is in the services (exports.jobs, fetching.jobs, notifications).

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


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def send_email_digest(self, user_id: int) -> str:
    """Send a person's notification digest (notifications.email.send_digest). A failed send is recorded and
    retried with backoff here; while running eagerly (no broker) it is left to the periodic sweep instead,
    so the request that caused it never waits on a mail server's retries."""
    from .notifications import email

    outcome = email.send_digest(user_id)
    if outcome == email.FAILED and not self.request.is_eager:
        raise self.retry(countdown=min(600, 10 * 2**self.request.retries))
    return outcome


@shared_task
def send_email_digests() -> dict:
    """Periodic (see CELERY_BEAT_SCHEDULE): digests held back by the batching window, or failed, go out."""
    from .notifications import email

    return email.send_due_digests()


@shared_task
def notify_overdue() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): tell reviewers once about assignments past their due time."""
    from . import notifications

    return notifications.notify_overdue()


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
