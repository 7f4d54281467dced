"""Notification emails, batched as digests: at most one email per person per
FACTCHECK["EMAIL_DIGEST_MINUTES"], holding everything they were told since the last one.

A notification for someone who wants email is written with `email_due`. On commit a task
(`annotations.tasks.send_email_digest`) tries to send that person's digest; inside the batching
window it leaves the notifications due, and the periodic `send_email_digests` task sends them once the
window has passed. A digest is recorded (EmailDigest) before it is sent: a failed send keeps its row
with the error and the number of attempts, is logged, and is retried (by the task's retries and by the
periodic sweep, since its notifications stay due), so a failure is never lost silently.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from ..models import EmailDigest, Notification, Profile

logger = logging.getLogger(__name__)

SENT, HELD, NOTHING, NO_ADDRESS, FAILED = "sent", "held", "nothing", "no address", "failed"
MAX_PER_DIGEST = 200


def enqueue_digests(user_ids: list[int]) -> None:
    """Called on commit: one task per person. A broker that does not answer loses nothing (the
    notifications stay due for the periodic sweep), so the request that caused them still succeeds."""
    from .. import tasks

    for user_id in user_ids:
        try:
            tasks.send_email_digest.delay(user_id)
        except Exception:
            logger.exception("Could not enqueue the email digest of user %s; the periodic sweep will send it.", user_id)


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.FACTCHECK["EMAIL_DIGEST_MINUTES"])


def _prepare(user_id: int, now: datetime.datetime) -> tuple[str, EmailDigest | None, list[Notification]]:
    with transaction.atomic():
        # The person's row serialises their digests: two tasks never send the same notifications.
        user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return NOTHING, None, []
        due = list(Notification.objects.filter(recipient_id=user_id, email_due=True).order_by("id")[:MAX_PER_DIGEST])
        if not due:
            return NOTHING, None, []
        if not user.email:
            Notification.objects.filter(pk__in=[n.pk for n in due]).update(email_due=False)
            return NO_ADDRESS, None, []
        recent = EmailDigest.objects.filter(recipient_id=user_id, sent_at__gt=now - _window()).exists()
        if recent:
            return HELD, None, []
        digest = EmailDigest.objects.filter(recipient_id=user_id, sent_at__isnull=True).order_by("id").first()
        if digest is None:
            digest = EmailDigest(recipient_id=user_id, created_at=now)
        digest.attempts += 1
        digest.notifications = len(due)
        digest.save()
        return "", digest, due


def send_digest(user_id: int, now: datetime.datetime | None = None) -> str:
    """Send the person's due notifications as one email, unless one went out within the window."""
    now = now or timezone.now()
    outcome, digest, due = _prepare(user_id, now)
    if digest is None:
        return outcome
    user = get_user_model().objects.get(pk=user_id)
    language = Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = ngettext("factcheck: %(count)d notification", "factcheck: %(count)d notifications", len(due)) % {
                "count": len(due)}  # fmt: skip
            body = render_to_string(
                "annotations/email/digest.txt",
                {"user": user, "notifications": due, "site": settings.FACTCHECK["PUBLIC_URL"].rstrip("/")},
            )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:
        logger.exception(
            "Sending the notification digest %s to user %s failed; it will be retried.", digest.pk, user_id
        )
        EmailDigest.objects.filter(pk=digest.pk).update(error=f"{type(error).__name__}: {error}"[:2000])
        return FAILED
    with transaction.atomic():
        sent_at = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in due]).update(email_due=False, emailed_at=sent_at)
        EmailDigest.objects.filter(pk=digest.pk).update(sent_at=sent_at, error="")
    return SENT


def send_due_digests(now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic sweep: send every digest that is due and no longer held by the window."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(recipient_id=OuterRef("pk"), email_due=True)
    outcomes: dict[str, int] = {}
    for user_id in get_user_model().objects.filter(Exists(waiting)).values_list("pk", flat=True):
        outcome = send_digest(user_id, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
