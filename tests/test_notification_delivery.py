"""Notification emails delivered by a real Celery worker (on the test database and Redis): enqueued on commit,
sent as a digest, and a refused send retried by the worker until it goes out, with the failure recorded."""

import time

import pytest

from annotations import comments
from annotations.models import EmailDigest
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, *, timeout: float = 60, interval: float = 0.05):
    """Poll `condition` until it returns something truthy (no fixed sleeps); fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("the condition did not hold in time")


def sent_digest(user):
    return EmailDigest.objects.filter(recipient=user, sent_at__isnull=False).first()


def test_a_worker_sends_the_digest_after_the_comment_commits(celery_workers):
    worker = celery_workers()
    editor = UserFactory(role="editor", username="editor")
    reviewer = UserFactory(role="reviewer", username="reviewer")
    comments.add_comment(ClaimFactory(), author=editor, body="@reviewer have a look")
    digest = wait_for(lambda: sent_digest(reviewer))
    assert digest.notifications == 1 and digest.attempts == 1
    log = wait_for(lambda: (text := worker.log_path.read_text(errors="replace")) and "mentioned you" in text and text)
    assert f"To: {reviewer.email}" in log


def test_a_refused_send_is_retried_by_the_worker_and_recorded(celery_workers, tmp_path):
    worker = celery_workers(
        EMAIL_BACKEND="tests.mail_backends.RefusingOnceBackend", FACTCHECK_TEST_MAIL_FLAG=tmp_path / "refused"
    )
    editor = UserFactory(role="editor", username="editor")
    reviewer = UserFactory(role="reviewer", username="reviewer")
    comments.add_comment(ClaimFactory(), author=editor, body="@reviewer have a look")
    digest = wait_for(lambda: sent_digest(reviewer), timeout=90)
    assert digest.attempts == 2
    log = worker.log_path.read_text(errors="replace")
    assert "SMTPServerDisconnected" in log and "will be retried" in log
