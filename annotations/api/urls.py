"""REST API routes under /api/v1/."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import articles

router = DefaultRouter()
router.register("articles", articles.ArticleViewSet, basename="article")
router.register("claims", articles.ClaimViewSet, basename="claim")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="auth-token"),
    *router.urls,
]
