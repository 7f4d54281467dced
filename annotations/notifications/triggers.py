"""The triggers: each writes the notifications of one kind of event, in the recipients' languages.

Called inside the transaction of the change that causes them. Each call writes its rows with one
bulk INSERT, whatever the number of recipients, and enqueues the email digests on commit.
"""

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..models import Annotation, Assignment, Claim, Notification, Profile

Kind = Notification.Kind


def _claim_words(claim: Claim) -> str:
    words = claim.exact if len(claim.exact) <= 80 else claim.exact[:79] + "…"
    return f"“{words}”"


def _write(kind: str, items: Iterable[tuple[int, int | None, Callable[[], str]]], *, actor=None) -> list[Notification]:
    """`items`: (recipient id, claim id, text maker). The text maker runs in the recipient's language."""
    items = [item for item in items if actor is None or item[0] != actor.pk]
    if not items:
        return []
    recipient_ids = {recipient for recipient, _, _ in items}
    preferences = {
        user_id: (language, email)
        for user_id, language, email in Profile.objects.filter(user_id__in=recipient_ids).values_list(
            "user_id", "language", "email_notifications"
        )
    }
    now = timezone.now()
    rows = []
    for recipient, claim_id, text in items:
        language, email = preferences.get(recipient, ("", True))
        with translation.override(language or settings.LANGUAGE_CODE):
            rows.append(
                Notification(
                    recipient_id=recipient, kind=kind, claim_id=claim_id, text=text(), created_at=now, email_due=email
                )
            )
    created = Notification.objects.bulk_create(rows)
    emailed = sorted({row.recipient_id for row in created if row.email_due})
    if emailed:
        from . import email

        transaction.on_commit(lambda: email.enqueue_digests(emailed))
    return created


def assigned(claims_by_reviewer: dict[int, list[int]], *, actor, due: datetime.datetime | None) -> list[Notification]:
    """One notification per reviewer per assignment request (not one per claim: 10,000 claims are one)."""
    single = {ids[0] for ids in claims_by_reviewer.values() if len(ids) == 1}
    claims = {claim.pk: claim for claim in Claim.objects.filter(pk__in=single).select_related("article")}
    who = actor.get_username()

    def text_for(ids: list[int]) -> Callable[[], str]:
        def text() -> str:
            when = date_format(timezone.localtime(due), "DATETIME_FORMAT") if due else ""
            if len(ids) == 1 and ids[0] in claims:
                claim = claims[ids[0]]
                message = _("%(who)s asked you to check %(claim)s in “%(title)s”.") % {
                    "who": who, "claim": _claim_words(claim), "title": claim.article.title}  # fmt: skip
            else:
                message = ngettext(
                    "%(who)s asked you to check %(count)d claim.", "%(who)s asked you to check %(count)d claims.",
                    len(ids)) % {"who": who, "count": len(ids)}  # fmt: skip
            return f"{message} {_('Due %(when)s.') % {'when': when}}" if due else message

        return text

    return _write(
        Kind.ASSIGNED,
        ((reviewer, ids[0] if len(ids) == 1 else None, text_for(ids)) for reviewer, ids in claims_by_reviewer.items()),
        actor=actor,
    )


def mentioned(comment, recipients: Iterable) -> list[Notification]:
    """The people named with @username in a comment, once each (however often they are named)."""
    who, words = comment.author.get_username(), _claim_words(comment.claim)
    unique = {user.pk: user for user in recipients}

    def text() -> str:
        return _("%(who)s mentioned you in the discussion of %(claim)s.") % {"who": who, "claim": words}

    return _write(Kind.MENTIONED, ((pk, comment.claim_id, text) for pk in unique), actor=comment.author)


def _about_verdict(kind: str, annotation: Annotation, actor, message: str) -> list[Notification]:
    claim = annotation.claim
    who, words = actor.get_username(), _claim_words(claim)

    def text() -> str:
        return _(message) % {"who": who, "claim": words}

    return _write(kind, [(annotation.reviewer_id, claim.pk, text)], actor=actor)


def verdict_approved(annotation: Annotation, actor) -> list[Notification]:
    return _about_verdict(Kind.APPROVED, annotation, actor, gettext_noop("%(who)s approved your verdict on %(claim)s."))


def verdict_rejected(annotation: Annotation, actor) -> list[Notification]:
    return _about_verdict(Kind.REJECTED, annotation, actor, gettext_noop("%(who)s rejected your verdict on %(claim)s."))


def verdict_reopened(annotation: Annotation, actor) -> list[Notification]:
    """An editor re-opened the reviewer's submitted or approved verdict (review.reopen)."""
    return _about_verdict(
        Kind.REOPENED, annotation, actor, gettext_noop("%(who)s re-opened your verdict on %(claim)s.")
    )


def words_changed(claim_ids: Iterable[int], *, actor=None) -> list[Notification]:
    """A revision changed the words of these claims (anything but an exact or moved anchor): everyone who
    annotated one is told, once per claim."""
    claim_ids = sorted(set(claim_ids))
    if not claim_ids:
        return []
    claims = {claim.pk: claim for claim in Claim.objects.filter(pk__in=claim_ids).select_related("article")}
    pairs = Annotation.objects.filter(claim_id__in=claim_ids).values_list("reviewer_id", "claim_id").distinct()

    def text_for(claim: Claim) -> Callable[[], str]:
        return lambda: _("The words of %(claim)s, which you worked on, changed in a new revision of “%(title)s”.") % {
            "claim": _claim_words(claim), "title": claim.article.title}  # fmt: skip

    return _write(
        Kind.WORDS_CHANGED, ((reviewer, claim, text_for(claims[claim])) for reviewer, claim in pairs), actor=actor
    )


@transaction.atomic
def notify_overdue(now: datetime.datetime | None = None) -> int:
    """Tell each reviewer once about their open assignments whose due time has passed (one notification per
    reviewer per run). Idempotent: a told assignment is marked and never told again, and concurrent
    runs skip each other's rows. Returns the number of assignments told about."""
    now = now or timezone.now()
    due = list(
        Assignment.objects.select_for_update(skip_locked=True)
        .filter(done_at__isnull=True, due__lt=now, overdue_notified_at__isnull=True)
        .values_list("pk", "reviewer_id", "claim_id")
    )
    if not due:
        return 0
    Assignment.objects.filter(pk__in=[pk for pk, _, _ in due]).update(overdue_notified_at=now)
    by_reviewer: dict[int, list[int]] = {}
    for _pk, reviewer, claim in due:
        by_reviewer.setdefault(reviewer, []).append(claim)

    def text_for(count: int) -> Callable[[], str]:
        return lambda: (
            ngettext(
                "%(count)d claim assigned to you is overdue.", "%(count)d claims assigned to you are overdue.", count
            )
            % {"count": count}
        )

    _write(
        Kind.OVERDUE,
        ((reviewer, ids[0] if len(ids) == 1 else None, text_for(len(ids))) for reviewer, ids in by_reviewer.items()),
    )
    return len(due)
