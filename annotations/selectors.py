"""Reads that shape querysets for the API and pages: what a list or a detail needs, joined in
one query (no per-row lookups)."""

from django.db.models import F, FilteredRelation, Q

from .models import Annotation, AnnotationVersion
from .versioning import AnnotationState


def annotation_queryset():
    """Annotations with their current version joined in one query (no per-row lookups in lists)."""
    return Annotation.objects.annotate(
        current=FilteredRelation("versions", condition=Q(versions__number=F("version"))),
        article_pk=F("claim__article_id"),
        published_annotation=F("claim__published_version__annotation_id"),
        published_number=F("claim__published_version__number"),
    ).select_related("reviewer", "current__verdict", "current__author")


def writable_queryset():
    """For a change: the annotation row with what the answer needs besides the new version (the
    article, the reviewer, the claim's published version). Lighter than annotation_queryset(): the
    current version is about to be replaced, so it is not joined."""
    return Annotation.objects.annotate(
        article_pk=F("claim__article_id"),
        published_annotation=F("claim__published_version__annotation_id"),
        published_number=F("claim__published_version__number"),
    ).select_related("reviewer")


def published_queryset():
    """For viewers: the annotation with its claim's published version (the only version they read)."""
    return annotation_queryset().select_related("claim__published_version__verdict", "claim__published_version__author")


def current_state(annotation: Annotation, version: AnnotationVersion | None = None) -> AnnotationState:
    """An annotation read through the querysets above, as shown now: its current version (or
    `version`, e.g. the published one for viewers, or the one just saved)."""
    published = annotation.published_number if annotation.published_annotation == annotation.pk else None
    return AnnotationState(annotation, version or annotation.current, annotation.status, published)
