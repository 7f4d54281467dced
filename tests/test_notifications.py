"""Notifications: each trigger tells the right person once; the inbox API; email digests."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from annotations import assignments, comments, notifications, people, review
from annotations.articles import add_revision
from annotations.models import EmailDigest, Notification
from annotations.notifications import email
from tests.factories import ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/me/notifications/"


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_assignment_notifies_the_reviewer_once(editor, reviewer):
    claim = ClaimFactory()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
    assert kinds(reviewer) == ["assigned"]


def test_a_bulk_assignment_is_one_notification_per_reviewer(editor, reviewer):
    first = ClaimFactory()
    second = ClaimFactory(article=first.article, exact="fully funded")
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[first.pk, second.pk])
    assert list(Notification.objects.values_list("text", flat=True)) == ["editor asked you to check 2 claims."]


def test_an_approval_notifies_the_reviewer(editor, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    review.submit(annotation, actor=reviewer)
    review.approve(annotation, actor=editor)
    assert kinds(reviewer) == ["approved"]


def test_a_rejection_notifies_the_reviewer(editor, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    review.submit(annotation, actor=reviewer)
    review.reject(annotation, actor=editor)
    assert kinds(reviewer) == ["rejected"]


def test_a_reopened_verdict_notifies_the_reviewer(editor, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    notifications.verdict_reopened(annotation, editor)
    assert kinds(reviewer) == ["reopened"]


def test_changed_words_after_a_revision_notify_whoever_annotated_the_claim(editor, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer)
    body = claim.article.body.replace("voted 31 to 12", "voted 31 to 13")
    add_revision(claim.article, body, source="typed", created_by=editor)
    assert kinds(reviewer) == ["words_changed"]


def test_a_revision_that_keeps_the_words_notifies_nobody(editor, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer)
    add_revision(claim.article, "New first line. " + claim.article.body, source="typed", created_by=editor)
    assert kinds(reviewer) == []


def test_a_passed_due_date_notifies_once_however_often_the_check_runs(editor, reviewer):
    claim = ClaimFactory()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk], due=timezone.now())
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert (notifications.notify_overdue(later), notifications.notify_overdue(later)) == (1, 0)
    assert kinds(reviewer).count("overdue") == 1


def test_submitted_work_is_not_overdue(editor, reviewer):
    claim = ClaimFactory()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk], due=timezone.now())
    review.submit(make_annotation(claim, reviewer), actor=reviewer)
    assert notifications.notify_overdue(timezone.now() + datetime.timedelta(minutes=1)) == 0


def test_nobody_is_notified_of_their_own_act(editor, settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "FOUR_EYES": False}  # a desk of one approves its own
    annotation = make_annotation(ClaimFactory(), editor)
    review.submit(annotation, actor=editor)
    review.approve(annotation, actor=editor)
    assert kinds(editor) == []


def test_the_inbox_lists_newest_first_with_its_fields(api, editor, reviewer):
    claim = ClaimFactory()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
    comments.add_comment(claim, author=editor, body="@reviewer please hurry")
    rows = api(reviewer).get(INBOX).json()["results"]
    assert [row["kind"] for row in rows] == ["mentioned", "assigned"]
    assert set(rows[0]) == {"id", "kind", "read", "at", "claim", "text"}
    assert rows[0]["claim"] == claim.pk and rows[0]["read"] is False


def test_marking_some_read_leaves_the_rest_unread(api, editor, reviewer):
    claim = ClaimFactory()
    comments.add_comment(claim, author=editor, body="@reviewer one")
    comments.add_comment(claim, author=editor, body="@reviewer two")
    first = Notification.objects.order_by("id").first()
    assert api(reviewer).post(f"{INBOX}read/", {"ids": [first.pk]}, format="json").json() == {"marked": 1, "unread": 1}


def test_marking_all_read(api, editor, reviewer):
    comments.add_comment(ClaimFactory(), author=editor, body="@reviewer one")
    assert api(reviewer).post(f"{INBOX}read/", {"all": True}, format="json").json() == {"marked": 1, "unread": 0}


def test_nobody_marks_anothers_notifications_read(api, editor, reviewer):
    comments.add_comment(ClaimFactory(), author=editor, body="@reviewer one")
    theirs = Notification.objects.get()
    assert api(editor).post(f"{INBOX}read/", {"ids": [theirs.pk]}, format="json").json()["marked"] == 0


def test_marking_read_without_ids_or_all_is_refused_naming_ids(api, reviewer):
    response = api(reviewer).post(f"{INBOX}read/", {}, format="json")
    assert response.status_code == 400 and "ids" in response.json()


# ------------------------------------------------------------ email digests (Django's locmem backend)


def mention(editor, claim, text="@reviewer look"):
    comments.add_comment(claim, author=editor, body=text)


def test_notifications_go_out_as_one_digest_email(editor, reviewer):
    claim = ClaimFactory()
    mention(editor, claim)
    mention(editor, claim, "@reviewer and again")
    assert email.send_digest(reviewer.pk) == email.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reviewer.email] and mail.outbox[0].body.count("mentioned you") == 2


def test_a_second_digest_waits_for_the_batching_window(editor, reviewer):
    claim = ClaimFactory()
    mention(editor, claim)
    email.send_digest(reviewer.pk)
    mention(editor, claim, "@reviewer soon after")
    assert email.send_digest(reviewer.pk) == email.HELD
    assert len(mail.outbox) == 1


def test_held_notifications_go_out_once_the_window_has_passed(editor, reviewer, settings):
    claim = ClaimFactory()
    mention(editor, claim)
    email.send_digest(reviewer.pk)
    mention(editor, claim, "@reviewer soon after")
    later = timezone.now() + datetime.timedelta(minutes=settings.FACTCHECK["EMAIL_DIGEST_MINUTES"] + 1)
    assert email.send_due_digests(later) == {email.SENT: 1}
    assert len(mail.outbox) == 2 and "soon after" not in mail.outbox[1].body  # the text, not the comment
    assert "mentioned you" in mail.outbox[1].body


def test_no_email_for_someone_who_switched_it_off(editor, reviewer):
    people.update_profile(reviewer, email_notifications=False)
    mention(editor, ClaimFactory())
    assert email.send_due_digests() == {}
    assert mail.outbox == []


def test_a_refused_email_is_recorded_and_sent_on_the_next_try(editor, reviewer, settings):
    mention(editor, ClaimFactory())
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    assert email.send_digest(reviewer.pk) == email.FAILED
    digest = EmailDigest.objects.get()
    assert (digest.sent_at, digest.attempts) == (None, 1) and "SMTPServerDisconnected" in digest.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email.send_due_digests() == {email.SENT: 1}
    digest.refresh_from_db()
    assert digest.sent_at is not None and digest.attempts == 2 and len(mail.outbox) == 1


def test_a_refused_email_is_logged(editor, reviewer, settings, caplog):
    mention(editor, ClaimFactory())
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    email.send_digest(reviewer.pk)
    assert "will be retried" in caplog.text


def test_email_is_enqueued_only_after_the_change_commits(editor, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mention(editor, ClaimFactory())
    assert mail.outbox == [] and len(callbacks) == 1
