"""Browser pages: thin views that render templates; the pages' scripts talk to the REST API.

Every page needs a role (reviewer, editor or viewer). The article reader is
rendered with its claim highlights on the server, in a fixed number of queries
whatever the number of claims.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from factcheck.lib import keyset
from factcheck.lockout import last_attempt_warning
from factcheck.middleware import refuse

from .. import desk, rating_scale, roles, selectors
from ..desk.charts import daily_table_rows, dashboard_charts, day_columns_svg
from ..importing import ImportFailed, Record, RecordError, import_articles, parse_document
from ..languages import clean_language_filter, filter_choices
from ..models import (
    AnchorStatus,
    Annotation,
    Article,
    ArticleRevision,
    Claim,
    ExportJob,
    Verdict,
)
from ..revisions import revision_diff, revision_list
from .highlighting import Span, highlighted_body
from .labels import EXPORT_FORMAT_LABELS, REVIEW_STATUS_LABELS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# What the reader shows of each claim: its place, words, claimant and the published verdict's key and label.
_READER_CLAIM_FIELDS = (
    *("id", "start", "end", "exact", "claimant", "claim_date", "statement"),
    *("published_version__annotation_id", "published_version__number"),
    *("published_version__verdict__key", "published_version__verdict__label", "judged_exact"),
)


# What the "Add article" page calls each field: its errors name the label a person sees, never the key.
ARTICLE_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "body": gettext_lazy("Text"),
    "url": gettext_lazy("Source URL"),
    "publisher": gettext_lazy("Publisher"),
    "language": gettext_lazy("Language"),
    "published_at": gettext_lazy("Published"),
    "file": gettext_lazy("File"),
    "json": gettext_lazy("File"),
    "record": gettext_lazy("Article"),
    "records": gettext_lazy("File"),
}


DASHBOARD_FIELD_LABELS = {
    "date_from": gettext_lazy("From date"),
    "date_to": gettext_lazy("To date"),
    "language": gettext_lazy("Language"),
    "article": gettext_lazy("Article"),
}


def _require_role(user) -> None:
    if not roles.is_viewer(user):
        raise PermissionDenied(_("Your account has no role yet; ask an editor for one."))


def _user_context(user) -> dict:
    """What the scripts need to know about the person using the page."""
    return {
        "username": user.get_username(),
        "is_editor": roles.is_editor(user),
        "is_reviewer": roles.is_reviewer(user),
    }


class LoginView(auth_views.LoginView):
    """Django's login page, which also warns before the attempt that would lock the account."""

    def form_invalid(self, form):
        warning = last_attempt_warning(self.request, form.data.get("username", ""))
        return self.render_to_response(self.get_context_data(form=form, last_attempt_warning=warning))


@login_required
def article_list(request):
    """Articles newest first, a keyset page at a time ("Newer" / "Older"), with their counters."""
    _require_role(request.user)
    query = request.GET.get("q", "").strip()
    try:
        language = clean_language_filter(request.GET.get("language"))
    except ValidationError as error:
        return refuse(request, error.message_dict["language"][0], field="language")
    unreviewed_only = request.GET.get("unreviewed") == "1"
    too_short = bool(query) and len(query) < selectors.MIN_SUBSTRING
    rows = selectors.articles(query="" if too_short else query, language=language, unreviewed_only=unreviewed_only)
    page = _keyset_page(request, selectors.article_page, rows)
    filtered = bool(query and not too_short) or bool(language) or unreviewed_only
    params = {"q": query, "language": language, "unreviewed": "1" if unreviewed_only else ""}
    return render(
        request,
        "annotations/article_list.html",
        {
            "page": page.rows,
            "pager": _pager(params, page, newer=_("Newer"), older=_("Older")),
            "total": selectors.capped_total(rows) if filtered else selectors.estimated_total(Article),
            "query": query,
            "query_too_short": too_short,
            "min_query": selectors.MIN_SUBSTRING,
            "language": language,
            "languages": filter_choices(selectors.article_languages()),
            "unreviewed_only": unreviewed_only,
            "can_add": roles.is_editor(request.user),
        },
    )


def _keyset_page(request, reader, *args) -> keyset.Page:
    try:
        return reader(*args, request.GET.get("cursor"))
    except keyset.InvalidCursor:
        raise BadRequest(_("Invalid page link; start again from the first page.")) from None


def _pager(params: dict, page: keyset.Page, *, newer: str, older: str) -> dict:
    """Links of the shared pager template: `previous` (back towards the first page) and `next`."""

    def link(cursor):
        return urlencode({**{k: v for k, v in params.items() if v}, "cursor": cursor}) if cursor else ""

    return {"previous": link(page.previous_cursor), "next": link(page.next_cursor), "previous_label": newer,
            "next_label": older}  # fmt: skip


@login_required
def claim_search(request):
    """Search claims across all articles; the page's script asks GET /api/v1/claims/?q=."""
    _require_role(request.user)
    languages = Article.objects.order_by("language").values_list("language", flat=True).distinct()
    return render(
        request,
        "annotations/claim_search.html",
        {
            "query": request.GET.get("q", ""),
            "language": request.GET.get("language", ""),
            "languages": list(languages),
            "verdict_labels": rating_scale.labels_in(translation.get_language()),
            "include_prior": request.GET.get("include") == "prior",
        },
    )


@login_required
def article_add(request):
    """Paste an article or upload a .txt (first line is the title) or .json/.jsonl file of articles."""
    if not roles.is_editor(request.user):
        raise PermissionDenied(_("Only editors add articles."))
    errors: list[dict] = []
    fields = {name: request.POST.get(name, "") for name in ("title", "body", "url", "publisher", "language")}
    fields["published_at"] = request.POST.get("published_at", "")
    if request.method == "POST":
        try:
            records = _records_from_form(request, fields)
            source = ArticleRevision.Source.TYPED if not request.FILES.get("file") else ArticleRevision.Source.IMPORTED
            created = import_articles(records, created_by=request.user, source=source)
        except ImportFailed as failure:
            errors = [_labelled(error) for error in failure.errors]
        else:
            if len(created) == 1:
                return redirect("article-detail", pk=created[0].pk)
            return redirect("article-list")
    # The pasted article's errors also stand next to their fields; a file's name their record.
    field_errors = {error["field"]: error["message"] for error in errors if not error["line"]}
    return render(
        request, "annotations/article_add.html", {"fields": fields, "errors": errors, "field_errors": field_errors}
    )


def _labelled(error: RecordError) -> dict:
    return {**error.as_dict(), "label": ARTICLE_FIELD_LABELS.get(error.field, error.field)}


def _records_from_form(request, fields: dict) -> list[Record]:
    defaults = {name: value for name, value in fields.items() if value and name not in ("title", "body")}
    upload = request.FILES.get("file")
    if upload is None:
        return [Record(0, {**defaults, **{k: v for k, v in fields.items() if v or k in ("title", "body")}})]
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFailed([_error("file", _("The file is larger than 5 MB."))])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([_error("file", _("The file is not UTF-8 text."))]) from error
    return parse_document(text, upload.name, defaults)


def _error(field: str, message: str) -> RecordError:
    return RecordError(0, field, message)


def _revision_page(request, article: Article, revisions: list):
    """An older revision's text, or the changes between two revisions (read-only: claims live on the newest)."""
    numbers = {revision.number for revision in revisions}
    shown = _int_or_none(request.GET.get("revision"))
    first, second = _int_or_none(request.GET.get("from")), _int_or_none(request.GET.get("to"))
    context = {"article": article, "revisions": revisions, "changes": None, "text": None}
    if first in numbers and second in numbers:
        bodies = dict(article.revisions.filter(number__in=[first, second]).values_list("number", "body"))
        context.update(changes=revision_diff(bodies[first], bodies[second]), diff_from=first, diff_to=second)
        context["shown"] = None
        if request.GET.get("view") == "side":
            context["side_by_side"] = (bodies[first], bodies[second])
        # Each claim whose words changed under a verdict, linked to where an editor decides on it.
        context["changed_claims"] = list(
            article.claims.filter(judged_exact__isnull=False).values("id", "judged_exact", "exact")
        )
    elif shown in numbers:
        context.update(shown=shown, text=article.revisions.get(number=shown).body)
    else:
        return None
    return render(request, "annotations/article_revision.html", context)


@login_required
def article_detail(request, pk: int):
    _require_role(request.user)
    article = get_object_or_404(Article, pk=pk)
    revisions = revision_list(article)
    if any(name in request.GET for name in ("revision", "from", "to")):
        page = _revision_page(request, article, revisions)
        if page is not None:
            return page
    # Orphaned claims point into an older text: they are listed for re-attaching, not highlighted.
    # Re-attaching is reviewers' work: viewers get no "Claims to check" box, scores or orphan labels.
    # Changed words under a verdict are listed with both texts, for an editor's decision (annotations.words).
    to_check = (
        list(
            Claim.objects.filter(article=article)
            .filter(Q(anchor_status=AnchorStatus.ORPHANED) | Q(needs_review=True) | Q(judged_exact__isnull=False))
            .values(
                "id",
                "exact",
                "claimant",
                "anchor_status",
                "anchor_score",
                "start",
                "end",
                "judged_exact",
                "anchor_revision",
                verdict_label=F("published_version__verdict__label"),
                verdict_key=F("published_version__verdict__key"),
            )
        )
        if roles.is_reviewer(request.user)
        else []
    )
    # Plain rows, not model instances: building 3,000 instances would cost more than the rest of the page.
    rows = (
        Claim.objects.filter(article=article)
        .exclude(anchor_status=AnchorStatus.ORPHANED)
        .values_list(*_READER_CLAIM_FIELDS)
    )
    language = translation.get_language()
    verdicts = rating_scale.scale_in(language)
    labels = {row["key"]: row["label"] for row in verdicts}
    spans, claim_data = [], []
    for claim_id, start, end, exact, claimant, claim_date, statement, annotation, number, key, label, judged in rows:
        spans.append(Span(claim_id, start, end, key or ""))
        claim_data.append(
            {
                "id": claim_id,
                "start": start,
                "end": end,
                "exact": exact,
                "claimant": claimant,
                "claim_date": claim_date.isoformat() if claim_date else None,
                "statement": statement,
                "published": (
                    {"annotation": annotation, "version": number, "verdict": key, "label": labels.get(key, label)}
                    if key
                    else None
                ),
                "words_changed": {"judged": judged, "current": exact} if judged is not None else None,
            }
        )
    assigned = selectors.assigned_names_of_article(article.pk)
    for claim in claim_data:
        claim["assigned"] = assigned.get(claim["id"], [])
    page_data = {
        "article": {"id": article.pk, "title": article.title, "language": article.language},
        "claims": claim_data,
        "verdicts": verdicts,
        "user": _user_context(request.user),
        "blind_review": settings.FACTCHECK["BLIND_REVIEW"],
        "four_eyes": settings.FACTCHECK["FOUR_EYES"],
        # For "who may approve" under four eyes (editors only: the names are not a reviewer's business).
        "editors": selectors.editor_names() if roles.is_editor(request.user) else [],
        "focus": {
            "claim": _int_or_none(request.GET.get("claim")),
            "annotation": _int_or_none(request.GET.get("annotation")),
        },
    }
    return render(
        request,
        "annotations/article_detail.html",
        {
            "article": article,
            "article_link": article.url if article.url.lower().startswith(("http://", "https://")) else "",
            "body_html": highlighted_body(article.body, spans),
            "claim_count": len(claim_data),
            "page_data": page_data,
            "verdicts": verdicts,
            "user_info": page_data["user"],
            "revisions": revisions,
            "current_revision": revisions[-1] if revisions else None,
            "to_check": to_check,
            "revision_summary": _revision_summary(article, revisions) if roles.is_editor(request.user) else None,
            "assign": _assign_form(request.user, claim_data),
        },
    )


def _revision_summary(article: Article, revisions: list) -> dict | None:
    """What the newest revision did to the claims (those re-anchored against it), for the editor's reader."""
    if len(revisions) < 2:
        return None
    newest = revisions[-1]
    counted = Claim.objects.filter(article=article, anchor_revision=newest.number)
    counts = counted.aggregate(
        **{status: Count("pk", filter=Q(anchor_status=status)) for status in ("exact", "moved", "fuzzy", "orphaned")},
        needs_review=Count("pk", filter=Q(needs_review=True)),
    )
    return {**counts, "number": newest.number, "note": newest.note}


def _assign_form(user, claim_data: list[dict]) -> dict | None:
    """What the reader's "Assign" form offers editors: the article's claims and the desk's reviewers."""
    if not roles.is_editor(user):
        return None
    return {"claims": claim_data, "reviewers": selectors.desk_members()}


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


@login_required
def review_queue(request):
    """Submitted annotations waiting for an editor, oldest first, a keyset page at a time."""
    if not roles.is_editor(request.user):
        raise PermissionDenied(_("The review queue is for editors."))
    page = _keyset_page(request, selectors.review_queue_page)
    labels = rating_scale.labels_in(translation.get_language())
    for annotation in page.rows:
        annotation.verdict_label = labels.get(annotation.verdict_key, annotation.verdict_label)
    selectors.add_approvers(page.rows)
    return render(
        request,
        "annotations/review_queue.html",
        {
            "page": page.rows,
            "four_eyes": settings.FACTCHECK["FOUR_EYES"],
            "pager": _pager({}, page, newer=_("Earlier"), older=_("Later")),
            "total": selectors.capped_total(selectors.review_queue()),
        },
    )


@login_required
def exports(request):
    if not roles.is_editor(request.user):
        raise PermissionDenied(_("Exports are for editors."))
    return render(
        request,
        "annotations/exports.html",
        {
            "formats": [(value, EXPORT_FORMAT_LABELS[value]) for value in ExportJob.Format.values],
            "desk_time_zone": settings.FACTCHECK["DESK_TIME_ZONE"],
            "statuses": [(value, REVIEW_STATUS_LABELS[value]) for value in Annotation.Status.values],
            "verdicts": rating_scale.scale_in(translation.get_language()),
            "languages": filter_choices(selectors.article_languages()),
        },
    )


@login_required
def dashboard(request):
    """The desk at a glance (editors): charts drawn on the server, each with its numbers in a table."""
    if not roles.is_editor(request.user):
        raise PermissionDenied(_("The dashboard is for editors."))
    errors = {}
    try:
        filters = desk.parse_filters(request.GET)
    except ValidationError as error:
        errors = {name: " ".join(messages) for name, messages in error.message_dict.items()}
        filters = desk.parse_filters({})
    figures = desk.desk_stats(filters)
    labels = rating_scale.labels_in(translation.get_language())
    for row in figures.verdicts:
        row["label"] = labels.get(row["verdict"], row["label"])
    charts = dashboard_charts(figures)
    context = {
        "figures": figures,
        "charts": charts,
        "daily_svg": day_columns_svg(charts["daily"]),
        "daily_rows": daily_table_rows(figures.daily),
        "errors": errors,
        # Shown by the field's label, not its key (the API keeps the keys).
        "error_lines": [(DASHBOARD_FIELD_LABELS.get(name, name), message) for name, message in errors.items()],
        "form": {name: request.GET.get(name, "") for name in ("date_from", "date_to", "language", "article")},
        "languages": filter_choices(desk.languages()),
        "review_rules": {name: settings.FACTCHECK[name] for name in ("BLIND_REVIEW", "FOUR_EYES")},
    }
    return render(request, "annotations/dashboard.html", context, status=400 if errors else 200)


@require_GET
def verdict_styles(request):
    """The highlight colours, generated from the rating scale (a stylesheet, so no inline styles are needed)."""
    rules = [
        '.hl[data-verdict="none"]{background:rgba(96,125,139,.10);border-bottom:2px dashed #90a4ae}',
    ]
    for key, colour in Verdict.objects.values_list("key", "colour"):
        if not _HEX_COLOUR.match(colour) or not re.fullmatch(r"[-a-zA-Z0-9_]+", key):
            continue
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        rules.append(
            f'.hl[data-verdict="{key}"]{{background:rgba({r},{g},{b},.18);border-bottom:2px solid {colour}}}'
            f'.verdict-chip[data-verdict="{key}"]{{--chip:{colour}}}'
            f'.chart-bar[data-series="{key}"]{{fill:{colour}}}'
        )
    response = HttpResponse("\n".join(rules), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=60"
    return response
