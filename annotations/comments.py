"""Discussion on a claim: threaded comments, Markdown-lite rendered safely, edits kept, tombstones, mentions.

Rendering: markdown-it-py's CommonMark with raw HTML off and only links, emphasis, quotes, lists,
code and paragraphs enabled, then nh3 (Ammonia) keeps an allow-list of tags and http(s)/mailto links
(with rel="noopener noreferrer nofollow"): whatever a person types, the stored HTML holds no script,
no event handler and no `javascript:` URL. A `@username` becomes a mention only when that person exists.

Who reads what (blind review holds for comments as for verdicts): editors read every comment. A
reviewer reads their own comments, editors' comments on the claim (editors do not annotate blind; an
editor who wants to discuss one reviewer's verdict does it on that verdict's version), and every
other comment once they have submitted their own annotation of the claim. A comment on a verdict
version is readable only by those who may read that annotation (annotations.review.visible_annotations).
Viewers read no discussion.
"""

import re

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt

from . import notifications, roles
from .anchoring import normalise
from .exceptions import NotAllowed
from .models import Annotation, AnnotationVersion, Claim, Comment, CommentRevision, ReviewTransition
from .review import visible_annotations

MAX_BODY = 10_000
MENTION = re.compile(r"(?<![\w@/])@([\w.+-]{1,150})")

_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
    ["emphasis", "link", "blockquote", "list", "backticks", "newline", "escape", "autolink"]
)
_ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "code"}


def render(body: str, mentioned: set[str] = frozenset()) -> str:
    """Safe HTML for a comment body; `@name` of the people in `mentioned` is marked as a mention."""
    html = _markdown.render(body)
    if mentioned:

        def mark(match: re.Match) -> str:
            name = match.group(1)
            return f'<strong class="mention">@{name}</strong>' if name in mentioned else match.group(0)

        # Only in text, never inside a tag or its attributes: split on tags and touch the text parts.
        html = "".join(
            part if part.startswith("<") else MENTION.sub(mark, part) for part in re.split(r"(<[^>]*>)", html)
        )
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}, "strong": {"class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def mentioned_users(body: str) -> list:
    """The active desk members named with @username in `body` (viewers cannot read a discussion)."""
    names = set(MENTION.findall(body))
    if not names:
        return []
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return [user for user in users if roles.is_reviewer(user)]


def _clean_body(body) -> str:
    body = normalise(str(body or "")).strip()
    if not body:
        raise ValidationError({"body": _("Write something.")})
    if len(body) > MAX_BODY:
        message = ngettext("At most %(count)d character.", "At most %(count)d characters.", MAX_BODY)
        raise ValidationError({"body": message % {"count": MAX_BODY}})
    return body


def _may_discuss(user) -> None:
    if not roles.is_reviewer(user):
        raise NotAllowed(_("Only reviewers and editors take part in discussions."))


@transaction.atomic
def add_comment(claim: Claim, *, author, body: str, parent: int | None = None, version: int | None = None) -> Comment:
    """A comment on `claim` (a reply to `parent`, about verdict version `version`: ids). The people it
    mentions are notified once each."""
    _may_discuss(author)
    body = _clean_body(body)
    parent_comment = None
    if parent is not None:
        parent_comment = visible_comments(author, claim).filter(pk=parent).first()
        if parent_comment is None:
            raise ValidationError(
                {"parent": _("No comment %(parent)s in this claim's discussion.") % {"parent": parent}}
            )
    version_row = None
    if version is not None:
        visible = visible_annotations(author, Annotation.objects.filter(claim=claim))
        version_row = AnnotationVersion.objects.filter(pk=version, annotation__in=visible).first()
        if version_row is None:
            message = _("No verdict version %(version)s of this claim that you may read.")
            raise ValidationError({"version": message % {"version": version}})
    mentioned = mentioned_users(body)
    comment = Comment.objects.create(
        claim=claim,
        parent=parent_comment,
        version=version_row,
        author=author,
        by_editor=roles.is_editor(author),
        body=body,
        html=render(body, {user.username for user in mentioned}),
        created_at=timezone.now(),
    )
    # Mentioned people who may not read the comment yet (blind review) are still told they were named.
    notifications.mentioned(comment, mentioned)
    return comment


@transaction.atomic
def edit_comment(comment: Comment, *, actor, body: str) -> Comment:
    """The author changes their comment; the text it had is kept as a revision. New mentions notify."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != actor.pk:
        raise NotAllowed(_("Only a comment's author can edit it."))
    if comment.deleted_at is not None:
        raise ValidationError({"body": _("This comment was deleted.")})
    body = _clean_body(body)
    if body == comment.body:
        return comment
    now = timezone.now()
    CommentRevision.objects.create(
        comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at, replaced_at=now,
        replaced_by=actor,
    )  # fmt: skip
    before = {user.pk for user in mentioned_users(comment.body)}
    mentioned = mentioned_users(body)
    comment.body, comment.edited_at = body, now
    comment.html = render(body, {user.username for user in mentioned})
    comment.save(update_fields=["body", "html", "edited_at"])
    notifications.mentioned(comment, [user for user in mentioned if user.pk not in before])
    return comment


@transaction.atomic
def delete_comment(comment: Comment, *, actor) -> Comment:
    """Editors delete a comment as a tombstone: its place in the thread stays, its text goes (kept in
    its revisions for editors)."""
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors delete comments."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.deleted_at is not None:
        return comment
    now = timezone.now()
    CommentRevision.objects.create(
        comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at, replaced_at=now,
        replaced_by=actor,
    )  # fmt: skip
    comment.body, comment.html, comment.deleted_at, comment.deleted_by = "", "", now, actor
    comment.save(update_fields=["body", "html", "deleted_at", "deleted_by"])
    return comment


def visible_comments(user, claim: Claim | int | None = None) -> QuerySet[Comment]:
    """The comments `user` may read (of `claim`, when given). See the module's docstring."""
    comments = Comment.objects.all()
    if claim is not None:
        comments = comments.filter(claim_id=claim if isinstance(claim, int) else claim.pk)
    if roles.is_editor(user):
        return comments
    if not roles.is_reviewer(user):
        return comments.none()
    readable_versions = visible_annotations(user, Annotation.objects.all()).values("pk")
    on_version = Q(version__isnull=True) | Q(version__annotation__in=readable_versions)
    if not settings.FACTCHECK["BLIND_REVIEW"]:
        return comments.filter(on_version)
    submitted_own = ReviewTransition.objects.filter(
        annotation__claim_id=OuterRef("claim_id"), annotation__reviewer=user, to_status=Annotation.Status.SUBMITTED
    )
    return comments.filter(on_version).filter(Q(author=user) | Q(by_editor=True) | Exists(submitted_own))
