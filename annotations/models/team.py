"""The desk as a team: who is asked to check which claim by when (Assignment), discussion on a claim
(Comment, with its edit history in CommentRevision) and what a person must know (Notification)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from .claims import Claim
from .postgres import APPEND_ONLY
from .reviews import AnnotationVersion

# Where an assignment without a due date sorts in "My work": after every dated one (keyset paging
# needs a non-null key).
NO_DUE_DATE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


class Assignment(models.Model):
    """An editor asked `reviewer` to check `claim`, optionally by `due`.

    One per claim and reviewer (assigning again moves the due date). `done_at` is set while the
    reviewer's annotation of the claim stands submitted or approved (annotations.derived.assignments):
    an assignment is open while it is null, overdue once `due` has passed too.
    """

    # No index of their own: the unique (claim, reviewer) and (reviewer, due_key, id) lead with them, and
    # every index costs a bulk assignment of 10,000 claims another 10,000 insertions.
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assignments", db_index=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    due = models.DateTimeField(null=True, blank=True)
    due_key = models.GeneratedField(
        expression=Coalesce(F("due"), Value(NO_DUE_DATE)), output_field=models.DateTimeField(), db_persist=True
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    # Set by the periodic overdue check once the reviewer was told, so telling is idempotent.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["claim", "reviewer"], name="one_assignment_per_claim_reviewer")]
        indexes = [
            # "My work" by due date (nulls last), and the assignments list's filter by reviewer.
            models.Index(fields=["reviewer", "due_key", "id"], name="assignment_reviewer_due"),
            # The overdue check walks only open assignments with a due date.
            models.Index(
                fields=["due"], condition=Q(done_at__isnull=True, due__isnull=False), name="assignment_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} to user {self.reviewer_id}"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.done_at is None and self.due is not None and self.due < timezone.now()


class Comment(models.Model):
    """A message in a claim's discussion, optionally about one verdict version, optionally a reply.

    `body` is the author's Markdown-lite; `html` its safe rendering (annotations.comments.render),
    stored so that reading a thread renders nothing. A deleted comment stays as a tombstone (its
    replies keep their place); its text is gone from `body` and `html` but kept in its revisions.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(AnnotationVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The author's role when writing, which decides who may read it under blind review.
    by_editor = models.BooleanField(default=False)
    body = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at", "id"], name="comment_claim_thread")]

    def __str__(self) -> str:
        return f"comment {self.pk} on claim {self.claim_id}"


class CommentRevision(models.Model):
    """A comment's text before an edit or a deletion (append-only): the discussion's history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # When this text was written (the comment's creation or its previous edit).
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["comment_id", "replaced_at", "id"]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"


class Notification(models.Model):
    """Something `recipient` must know. `text` is written in their language when it is created.

    `emailed_at`: when it went out in a digest (null: not yet, or the person does not want email).
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned"
        MENTIONED = "mentioned"
        APPROVED = "approved"
        REJECTED = "rejected"
        REOPENED = "reopened"
        WORDS_CHANGED = "words_changed"
        OVERDUE = "overdue"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    read = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read=False), name="notification_unread"),
            models.Index(fields=["recipient", "id"], condition=Q(email_due=True), name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"


class EmailDigest(models.Model):
    """One digest email sent (or being tried) to a person: the batching clock and the delivery record.

    At most one digest per person per FACTCHECK["EMAIL_DIGEST_MINUTES"]; a failed send keeps its
    row with `error` and `attempts`, and is retried by its task.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    notifications = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="email_digest_recent")]

    def __str__(self) -> str:
        return f"digest {self.pk} for user {self.recipient_id}"
