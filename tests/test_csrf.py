"""Cross-site requests: a browser session's writes need the CSRF token, on the API and on the pages."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import Annotation, Article, Claim

from .factories import PASSWORD, ArticleFactory, ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_api():
    """An API client logged in through the session (as the browser is), with CSRF checks on."""

    def login(user) -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return login


def test_session_post_without_csrf_token_is_refused_and_creates_nothing(session_api, editor):
    response = session_api(editor).post(
        "/api/v1/articles/", {"title": "Forged", "body": "Text.", "language": "en"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Article.objects.exists()


def test_session_patch_without_csrf_token_is_refused_and_adds_no_version(session_api, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer, rationale="Original")
    response = session_api(reviewer).patch(
        f"/api/v1/annotations/{annotation.pk}/", {"rationale": "Forged"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403
    annotation.refresh_from_db()
    assert annotation.version == 1
    assert annotation.versions.get().rationale == "Original"


def test_session_delete_without_csrf_token_is_refused_and_keeps_the_claim(session_api, editor):
    claim = ClaimFactory()
    assert session_api(editor).delete(f"/api/v1/claims/{claim.pk}/").status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_session_review_action_without_csrf_token_changes_no_status(session_api, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    assert session_api(reviewer).post(f"/api/v1/annotations/{annotation.pk}/submit/").status_code == 403
    assert Annotation.objects.get(pk=annotation.pk).status == Annotation.Status.DRAFT


def test_session_write_with_the_csrf_token_goes_through(editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    token = client.get("/articles/add/").cookies["csrftoken"].value  # the form page sets the cookie
    response = client.post(
        "/api/v1/articles/",
        {"title": "Real", "body": "Text.", "language": "en"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_add_article_page_without_csrf_token_is_refused_and_creates_nothing(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/articles/add/", {"title": "Forged", "body": "Text.", "language": "en"})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_login_page_without_csrf_token_is_refused(editor):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_token_authenticated_scripts_need_no_csrf_token(editor):
    token = APIClient().post("/api/v1/auth/token/", {"username": "editor", "password": PASSWORD}, format="json")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    article = ArticleFactory()
    assert client.patch(f"/api/v1/articles/{article.pk}/", {"title": "Renamed"}, format="json").status_code == 200
