"""REST API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import (
    annotations,
    articles,
    assignments,
    auth,
    claims,
    comments,
    events,
    exports,
    notifications,
    people,
    prior_factchecks,
    stats,
    webannotation,
    words,
)

# Namespaced: the browser pages use the plain names (article-list, export-list, ...).
app_name = "api"

router = DefaultRouter()
router.register("articles", articles.ArticleViewSet, basename="article")
router.register("claims", claims.ClaimViewSet, basename="claim")
router.register("verdicts", annotations.VerdictViewSet, basename="verdict")
router.register("annotations", annotations.AnnotationViewSet, basename="annotation")
router.register("exports", exports.ExportJobViewSet, basename="export")
router.register("prior-factchecks", prior_factchecks.PriorFactCheckViewSet, basename="prior-factcheck")
router.register("rating-mappings", prior_factchecks.RatingMappingViewSet, basename="rating-mapping")

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("claims/<int:claim_pk>/annotations/", annotations.ClaimAnnotationsView.as_view(), name="claim-annotations"),
    path("claims/<int:pk>/words-decision/", words.WordsDecisionView.as_view(), name="claim-words-decision"),
    path(
        "claims/<int:claim_pk>/prior-factchecks/",
        prior_factchecks.ClaimPriorLinksView.as_view(),
        name="claim-prior-factchecks",
    ),
    # Before the router: its prior-factchecks/{id} must not see "imports".
    path("prior-factchecks/imports/", prior_factchecks.PriorImportsView.as_view(), name="prior-import-list"),
    path(
        "prior-factchecks/imports/<uuid:job_id>/",
        prior_factchecks.PriorImportDetailView.as_view(),
        name="prior-import-detail",
    ),
    path("agreement/", annotations.AgreementView.as_view(), name="agreement-detail"),
    path("stats/", stats.StatsView.as_view(), name="stats-detail"),
    path("me/", people.MeView.as_view(), name="me-detail"),
    path("events/", events.EventListView.as_view(), name="event-list"),
    path("events/export.csv", events.EventCsvView.as_view(), name="event-export-csv"),
    path("events/export.jsonl", events.EventJsonLinesView.as_view(), name="event-export-jsonl"),
    path("me/assignments/", assignments.MyAssignmentsView.as_view(), name="me-assignments"),
    path("me/notifications/", notifications.MyNotificationsView.as_view(), name="me-notifications"),
    path("me/notifications/read/", notifications.MarkReadView.as_view(), name="me-notifications-read"),
    path("assignments/", assignments.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/<int:pk>/", assignments.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("claims/<int:claim_pk>/comments/", comments.ClaimCommentsView.as_view(), name="claim-comments"),
    path("comments/<int:pk>/", comments.CommentDetailView.as_view(), name="comment-detail"),
    path("comments/<int:pk>/revisions/", comments.CommentRevisionsView.as_view(), name="comment-revisions"),
    path("people/", comments.PeopleView.as_view(), name="people-list"),
    # Before the router: its exports/{id} must not see "verdicts.csv".
    path("exports/verdicts.csv", exports.VerdictsCsvView.as_view(), name="export-verdicts-csv"),
    path("exports/evidence.csv", exports.EvidenceCsvView.as_view(), name="export-evidence-csv"),
    path("exports/webannotation.jsonld", webannotation.WebAnnotationPageView.as_view(), name="export-webannotation"),
    *router.urls,
]
