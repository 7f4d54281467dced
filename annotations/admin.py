"""Django admin for every model; history tables are read-only here as in the database."""

from django.contrib import admin

from . import claims
from .models import (
    Annotation,
    AnnotationVersion,
    Article,
    Claim,
    ExportJob,
    Publication,
    ReviewTransition,
    Verdict,
    VerdictTranslation,
)


class VerdictTranslationInline(admin.TabularInline):
    """The verdict's label and description in each language, edited beside the verdict."""

    model = VerdictTranslation
    fields = ["language", "label", "description"]
    extra = 1


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "rating_value", "colour", "position"]
    list_editable = ["label", "rating_value", "colour", "position"]
    inlines = [VerdictTranslationInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "language", "published_at", "created_at"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher"]  # trigram indexes (migration 0007); bodies are not scanned


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["exact", "article", "claimant", "start", "end", "published_version"]
    search_fields = ["exact", "claimant"]
    raw_id_fields = ["article", "published_version", "created_by"]
    readonly_fields = ["start", "end", "exact", "prefix", "suffix", "published_version"]

    # Claims are marked in the reader and removed through the service, which keeps the article's counters.
    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        claims.delete_claim(obj)

    def delete_queryset(self, request, queryset):
        for claim in queryset:
            claims.delete_claim(claim)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible, never changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = AnnotationVersion
    fields = ["number", "verdict", "confidence", "change_note", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
