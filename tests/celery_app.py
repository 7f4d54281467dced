"""The Celery app the test workers run (`celery -A tests.celery_app worker`): factcheck's own app,
plus one test-only switch kept out of production code. With FACTCHECK_TEST_ROW_DELAY set, every
exported row costs that many seconds, so a running job can be watched and its worker killed."""

import os
import time

from celery.signals import task_prerun

from factcheck.celery import app

__all__ = ["app"]

ROW_DELAY = float(os.environ.get("FACTCHECK_TEST_ROW_DELAY") or 0)


@task_prerun.connect
def slow_down_exported_rows(**kwargs) -> None:
    """Before a task runs (Django is set up by then): make each counted row sleep."""
    from annotations.exports.csv import Progress

    if not ROW_DELAY or getattr(Progress, "slowed_for_tests", False):
        return
    count = Progress.add

    def add(self, rows: int) -> None:
        count(self, rows)
        time.sleep(ROW_DELAY * rows)

    Progress.add = add
    Progress.slowed_for_tests = True
