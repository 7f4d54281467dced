"""Browser pages."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import audit, language, priors, team, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.article_list, name="article-list"),
    path("articles/add/", views.article_add, name="article-add"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("search/", views.claim_search, name="claim-search"),
    path("prior-factchecks/", priors.prior_factchecks, name="prior-factcheck-list"),
    path("review/", views.review_queue, name="review-queue"),
    path("exports/", views.exports, name="export-list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("language/", language.set_language, name="language-set"),
    # The scripts' translations in the page's language (window.gettext, used through js/i18n.js).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["annotations"]), name="javascript-catalog"),
    path("audit/", audit.audit_events, name="audit-events"),
    path("articles/<int:pk>/assign/", team.assign_claims, name="article-assign"),
    path("claims/<int:pk>/", team.claim_detail, name="claim-detail"),
    path("my-work/", team.my_work, name="my-work"),
    path("notifications/", team.notification_list, name="notification-list"),
    path("preferences/", team.preferences, name="preferences"),
    path("verdicts.css", views.verdict_styles, name="verdict-styles"),
]
