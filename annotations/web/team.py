"""Browser pages of the desk as a team: "My work", notifications, notification preferences, a claim's
address (which opens it in its article), and assigning an article's claims from the reader."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from factcheck.lib import keyset

from .. import assignments, notifications, people, roles, selectors
from ..exceptions import NotAllowed
from ..models import Article, Claim, Notification
from .views import _keyset_page, _pager, _require_role

PAGE_SIZE = 50


@login_required
def claim_detail(request, pk: int):
    """A claim's own address (in emails and notifications): its article, opened at the claim."""
    _require_role(request.user)
    claim = get_object_or_404(Claim, pk=pk)
    return redirect(f"{reverse('article-detail', args=[claim.article_id])}?claim={claim.pk}")


@login_required
def my_work(request):
    """The claims assigned to the person, by due date (undated last), with status and overdue ones marked."""
    if not roles.is_reviewer(request.user):
        raise PermissionDenied(_("My work lists the claims assigned to reviewers."))
    rows = selectors.assignments().filter(reviewer=request.user).select_related("claim__article")
    page = _keyset_page(request, lambda cursor: keyset.page(rows, ("due_key", "id"), cursor=cursor, size=PAGE_SIZE))
    return render(
        request,
        "annotations/my_work.html",
        {"page": page.rows, "pager": _pager({}, page, newer=_("Sooner"), older=_("Later")), "now": timezone.now()},
    )


@login_required
def notification_list(request):
    """The person's notifications, newest first; the ones shown are marked read (they were seen)."""
    if request.method == "POST":
        notifications.mark_read(request.user, everything=True)
        return redirect("notification-list")
    rows = Notification.objects.filter(recipient=request.user)
    page = _keyset_page(
        request, lambda cursor: keyset.page(rows, ("-created_at", "-id"), cursor=cursor, size=PAGE_SIZE)
    )
    unseen = [row.pk for row in page.rows if not row.read]
    response = render(
        request,
        "annotations/notifications.html",
        {"page": page.rows, "pager": _pager({}, page, newer=_("Newer"), older=_("Older")), "unseen": set(unseen)},
    )
    notifications.mark_read(request.user, ids=unseen)
    return response


@login_required
def preferences(request):
    """The person's notification email preference and interface language."""
    profile = people.profile_of(request.user)
    if request.method == "POST":
        try:
            people.update_profile(
                request.user,
                email_notifications=request.POST.get("email_notifications") == "on",
                language=request.POST.get("language", ""),
            )
        except ValidationError as error:
            return render(request, "annotations/preferences.html", _preferences_context(profile, error), status=400)
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "annotations/preferences.html", _preferences_context(profile))


def _preferences_context(profile, error: ValidationError | None = None) -> dict:
    return {
        "profile": profile,
        "languages": settings.LANGUAGES,
        "errors": {k: " ".join(v) for k, v in error.message_dict.items()} if error else {},
        "digest_minutes": settings.FACTCHECK["EMAIL_DIGEST_MINUTES"],
    }


@login_required
@require_POST
def assign_claims(request, pk: int):
    """The reader's "Assign" form (editors): the ticked claims, or all the article's, to the chosen reviewers."""
    article = get_object_or_404(Article, pk=pk)
    claim_ids = [int(value) for value in request.POST.getlist("claims") if value.isdigit()]
    due_day = parse_date(request.POST.get("due", "") or "") if request.POST.get("due") else None
    due = timezone.make_aware(datetime.datetime.combine(due_day, datetime.time(23, 59))) if due_day else None
    try:
        result = assignments.assign(
            actor=request.user,
            reviewers=request.POST.getlist("reviewers"),
            claims=claim_ids or None,
            article=None if claim_ids else article.pk,
            due=due,
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except ValidationError as error:
        messages.error(request, " ".join(" ".join(v) for v in error.message_dict.values()))
    else:
        messages.success(
            request,
            ngettext("%(count)d assignment made.", "%(count)d assignments made.", result.assigned)
            % {"count": result.assigned},
        )
    return redirect("article-detail", pk=article.pk)
