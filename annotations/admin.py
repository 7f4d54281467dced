"""Django admin: it edits through the services or not at all.

The admin is no back door around the rules the API keeps. An article's body and language are
read-only here (a body change is a new revision with every claim re-anchored, which the reader and
the API do); its other fields are saved by `articles.update_article`. Articles and claims are
deleted by the same services the API uses, and a deletion their history forbids is refused with a
message (the change page or the list again, never a 500). History tables are read-only here as in
the database. Prior fact-checks are corrected through `priors.linking.update_prior` (the change is
kept in their history) and rating mappings saved through `priors.ratings` (which re-maps the
fact-checks they cover); import jobs and fact-check changes are read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import articles, claims
from .exceptions import DomainConflict
from .models import (
    Annotation,
    AnnotationVersion,
    Article,
    Claim,
    ExportJob,
    PriorFactCheck,
    PriorFactCheckChange,
    PriorFeed,
    PriorImportJob,
    Publication,
    RatingMapping,
    ReviewTransition,
    Verdict,
    VerdictTranslation,
)
from .priors import linking, ratings


class VerdictTranslationInline(admin.TabularInline):
    """The verdict's label and description in each language, edited beside the verdict."""

    model = VerdictTranslation
    fields = ["language", "label", "description"]
    extra = 1


# What the delete services raise when the history forbids a deletion (the API answers 409 for both).
REFUSED_DELETES = (DomainConflict, ProtectedError)


def _refusal(error: Exception) -> str:
    reason = error.message if isinstance(error, DomainConflict) else error.args[0]
    return _("Nothing was deleted: %(reason)s Records with history stay.") % {"reason": reason}


@admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin, request, queryset):
    """Django's own action (its confirmation page, its log), all or nothing, and a refusal as a message."""
    try:
        with transaction.atomic():
            return django_delete_selected(modeladmin, request, queryset)
    except REFUSED_DELETES as error:
        modeladmin.message_user(request, _refusal(error), messages.ERROR)
        return None  # the change list again, with the message


class ServiceDeletes(admin.ModelAdmin):
    """Deletes go through `delete_service`; a refusal is a message on the change page."""

    delete_service = None

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (delete_selected, "delete_selected", delete_selected.short_description)
        return actions

    def delete_model(self, request, obj):
        type(self).delete_service(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            type(self).delete_service(obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSED_DELETES as error:
            self.message_user(request, _refusal(error), messages.ERROR)
            change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(change_url)


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    """Labels, ratings, colours and order are the desk's to edit; exports and the API join them when they
    read, so a change shows everywhere at once. The key is what clients send and filter by: fixed once made."""

    list_display = ["key", "label", "rating_value", "colour", "position"]
    list_editable = ["label", "rating_value", "colour", "position"]
    inlines = [VerdictTranslationInline]

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj is not None else []


class ArticleForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = ["title", "url", "publisher", "published_at"]

    def clean(self):
        """The service's rules (NFC, no blank title, no future date), shown next to each field."""
        cleaned = super().clean()
        fields = {name: cleaned[name] for name in self.changed_data if name in cleaned}
        try:
            cleaned.update(articles.clean_article_fields(fields, partial=True))
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                self.add_error(name, messages_)
        return cleaned


@admin.register(Article)
class ArticleAdmin(ServiceDeletes):
    delete_service = articles.delete_article
    form = ArticleForm
    list_display = ["title", "publisher", "language", "published_at", "created_at"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher"]  # trigram indexes (migration 0007); bodies are not scanned
    fields = ["title", "url", "publisher", "published_at", "language", "text", "revision", "claim_count"]
    readonly_fields = ["language", "text", "revision", "claim_count"]

    @admin.display(description=gettext_lazy("Body"))
    def text(self, obj):
        # The body is read here only: editing it adds a revision and re-anchors the claims, in the reader.
        return format_html(
            '<a href="{}">{}</a><br><span style="white-space: pre-wrap">{}</span>',
            reverse("article-detail", args=[obj.pk]),
            _("Edit the text in the reader"),
            obj.body,
        )

    # Articles are added by the reader and the API, which write revision 1 with the body.
    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in ArticleForm.Meta.fields}
        if changed:
            articles.update_article(obj, edited_by=request.user, **changed)
        obj.refresh_from_db()


@admin.register(Claim)
class ClaimAdmin(ServiceDeletes):
    delete_service = claims.delete_claim
    list_display = ["exact", "article", "claimant", "start", "end", "published_version"]
    search_fields = ["exact", "claimant"]
    readonly_fields = ["article", "start", "end", "exact", "prefix", "suffix", "published_version"]
    fields = ["article", "exact", "start", "end", "prefix", "suffix", "claimant", "claim_date", "statement",
              "published_version"]  # fmt: skip

    # Claims are marked in the reader; the claimant, date and restatement are saved by the service.
    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            claims.update_claim(obj, actor=request.user, **changed)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible, never changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows of an append-only history, shown under their parent."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = AnnotationVersion
    fields = ["number", "verdict", "confidence", "change_note", "author", "created_at"]


@admin.register(Annotation)
class AnnotationAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "reviewer", "status", "version", "updated_at"]
    list_filter = ["status"]
    inlines = [VersionInline]


@admin.register(AnnotationVersion)
class AnnotationVersionAdmin(ReadOnlyAdmin):
    list_display = ["annotation", "number", "verdict", "confidence", "author", "created_at"]
    list_filter = ["verdict"]


@admin.register(ReviewTransition)
class ReviewTransitionAdmin(ReadOnlyAdmin):
    list_display = ["annotation", "from_status", "to_status", "actor", "created_at"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["claim", "version", "actor", "created_at"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "format", "status", "rows_done", "rows_total", "created_by", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]


def _form_errors(form, error: ValidationError) -> None:
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


class PriorFactCheckForm(forms.ModelForm):
    class Meta:
        model = PriorFactCheck
        fields = list(linking.EDITABLE_FIELDS)

    def clean(self):
        """The service's rules (a claim not blank, a BCP 47 language, a verdict either chosen or handed back
        to the mapping), shown next to each field."""
        cleaned = super().clean()
        if {"verdict", "verdict_corrected"} <= set(self.changed_data) and not cleaned.get("verdict_corrected"):
            message = _("Either choose a verdict or hand it back to the rating mapping, not both.")
            self.add_error("verdict_corrected", message)
        if "language" in self.changed_data and "language" in cleaned:
            try:
                cleaned["language"] = linking.clean_language(cleaned["language"])
            except ValidationError as error:
                _form_errors(self, error)
        return cleaned


class PriorFactCheckChangeInline(ReadOnlyInline):
    """What imports and editors changed, oldest first (append-only)."""

    model = PriorFactCheckChange
    fields = ["changed_at", "changed_by", "job", "changes"]


@admin.register(PriorFactCheck)
class PriorFactCheckAdmin(admin.ModelAdmin):
    """Imports add prior fact-checks; here an editor corrects one (claim, mapped verdict, language, the
    claim's author and date), saved by `update_prior`, which keeps the change in its history."""

    form = PriorFactCheckForm
    list_display = ["claim_reviewed", "publisher_name", "rating_name", "verdict", "language", "review_date"]
    list_filter = ["verdict", "source_kind"]
    list_select_related = ["verdict"]
    search_fields = ["url", "publisher_name"]
    show_full_result_count = False
    readonly_fields = [
        "url", "publisher_name", "publisher_url", "rating_name", "rating_value", "best_rating", "worst_rating",
        "review_date", "appearance_urls", "language_detected", "source_kind", "source", "imported_at", "updated_at",
    ]  # fmt: skip
    fields = [*linking.EDITABLE_FIELDS, *readonly_fields]
    inlines = [PriorFactCheckChangeInline]

    def has_add_permission(self, request):
        return False

    # Their history is append-only (the database refuses to delete it), and so is the fact-check.
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form has already written its values on `obj`: the service compares against the stored row.
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in linking.EDITABLE_FIELDS}
        stored = PriorFactCheck.objects.get(pk=obj.pk)
        linking.update_prior(stored, actor=request.user, **changed)
        obj.refresh_from_db()


class RatingMappingForm(forms.ModelForm):
    class Meta:
        model = RatingMapping
        fields = ["publisher", "language", "rating_name", "verdict"]

    def clean(self):
        """The service's rules (a rating, a language tag, one mapping per rating and scope), by each field."""
        cleaned = super().clean()
        fields = {name: cleaned[name] for name in ("publisher", "language", "rating_name") if name in cleaned}
        try:
            cleaned.update(ratings.validate_mapping(self.instance if self.instance.pk else None, **fields))
        except ValidationError as error:
            _form_errors(self, error)
        return cleaned


@admin.register(RatingMapping)
class RatingMappingAdmin(ServiceDeletes):
    """Saved and deleted by `priors.ratings`, which re-maps the prior fact-checks each mapping covers."""

    delete_service = ratings.delete_mapping
    form = RatingMappingForm
    list_display = ["rating_name", "publisher", "language", "verdict", "created_by", "updated_at"]
    list_filter = ["verdict", "language"]
    list_select_related = ["verdict", "created_by"]
    search_fields = ["rating_name", "publisher"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in RatingMappingForm.Meta.fields}
        saved = ratings.save_mapping(obj if change else None, actor=request.user, **fields)
        obj.pk, obj.rating_key, obj.created_by = saved.pk, saved.rating_key, saved.created_by


@admin.action(description=gettext_lazy("Forget the validators (the next refresh downloads the whole feed)"))
def forget_validators(modeladmin, request, queryset):
    count = queryset.update(etag="", last_modified="")
    message = ngettext(
        "%(count)s feed will be downloaded in full.", "%(count)s feeds will be downloaded in full.", count
    )
    modeladmin.message_user(request, message % {"count": count})


@admin.register(PriorFeed)
class PriorFeedAdmin(admin.ModelAdmin):
    """The feeds that Celery beat refreshes come from FACTCHECK_PRIOR_FEEDS; here the validators of their
    last answer (for the conditional GET) are seen and can be forgotten, to download a feed in full again."""

    list_display = ["url", "etag", "last_modified", "checked_at"]
    fields = ["url", "etag", "last_modified", "checked_at"]
    readonly_fields = ["url", "checked_at"]
    actions = [forget_validators]

    def has_add_permission(self, request):
        return False


@admin.register(PriorImportJob)
class PriorImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "status", "url", "file_name", "items_done", "new", "updated", "unchanged",
                    "refused", "created_by"]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = ["status", "url", "file_name", "feed", "items_done", "new", "updated", "unchanged", "refused",
              "not_modified", "error", "errors", "created_by", "created_at", "started_at", "finished_at"]  # fmt: skip


@admin.register(PriorFactCheckChange)
class PriorFactCheckChangeAdmin(ReadOnlyAdmin):
    list_display = ["prior", "changed_at", "changed_by", "job"]
    list_select_related = ["prior", "changed_by"]
    fields = ["prior", "changed_at", "changed_by", "job", "changes"]
