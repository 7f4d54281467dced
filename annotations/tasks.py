"""Celery tasks: thin wrappers taking ids; the work is in annotations.exports.jobs.

The services enqueue these tasks; a task imports its service inside its body, so the two
modules do not import each other in a circle.

`run_export_job` may run twice for one job (redelivery after a lost worker):
`jobs.run_job` restarts an interrupted job from scratch and ignores a finished one.
"""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_export_job(job_id: str) -> None:
    from .exports import jobs

    jobs.run_job(job_id)


@shared_task
def expire_export_files() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): delete export files past their expiry."""
    from .exports import jobs

    return jobs.expire_jobs()
