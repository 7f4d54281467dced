"""Who gets in: hashed expiring API tokens, logout, lockout after repeated wrong passwords, body limits."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from pytest_django.asserts import assertContains
from rest_framework.test import APIClient

from annotations.models import Article

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ARTICLES = "/api/v1/articles/"


def get_token(username: str, password: str = PASSWORD):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_token_answer_has_the_token_and_when_it_expires(editor):
    before = timezone.now()
    response = get_token("editor")
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires"}
    expires = parse_datetime(response.json()["expires"])
    assert before + timedelta(days=29) < expires < before + timedelta(days=31)
    assert token_client(response.json()["token"]).get(ARTICLES).status_code == 200


def test_token_is_stored_only_as_a_hash(editor):
    token = get_token("editor").json()["token"]
    stored = AuthToken.objects.get(user=editor)
    assert token not in (stored.digest, stored.token_key)
    assert not AuthToken.objects.filter(digest__contains=token).exists()


def test_expired_token_is_refused_with_401(editor):
    token = get_token("editor").json()["token"]
    AuthToken.objects.filter(user=editor).update(expiry=timezone.now() - timedelta(seconds=1))
    assert token_client(token).get(ARTICLES).status_code == 401


def test_logout_revokes_the_calling_token_and_no_other(editor):
    first = get_token("editor").json()["token"]
    second = get_token("editor").json()["token"]
    assert token_client(first).post(LOGOUT).status_code == 204
    assert token_client(first).get(ARTICLES).status_code == 401
    assert token_client(second).get(ARTICLES).status_code == 200


def test_token_request_without_password_names_the_field(editor):
    response = APIClient().post(TOKEN, {"username": "editor"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_wrong_passwords_lock_the_account_on_the_api(editor, settings):
    answers = [get_token("editor", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    locked = get_token("editor")  # the right password, too late
    assert locked.status_code == 429
    assert "locked" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert not AuthToken.objects.filter(user=editor).exists()


def test_lockout_is_per_account(editor, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        get_token("editor", "wrong")
    assert get_token("reviewer").status_code == 200


def test_a_right_password_before_the_limit_resets_the_count(editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        get_token("editor", "wrong")
    assert get_token("editor").status_code == 200
    assert get_token("editor", "wrong").status_code == 400


def test_login_page_locks_out_after_repeated_wrong_passwords(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "editor", "password": "wrong"})
    response = client.post("/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.context["lockout"]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still sent to the login page


def test_the_login_attempt_before_the_lock_warns_that_one_more_failure_locks(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        response = client.post("/login/", {"username": "editor", "password": "wrong"})
    assert response.context["last_attempt_warning"] == ""
    response = client.post("/login/", {"username": "editor", "password": "wrong"})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    expected = f"One more failed attempt locks this account for {minutes} minutes."
    assert response.context["last_attempt_warning"] == expected
    assertContains(response, f"<strong>{expected}</strong>", html=True)


def test_the_token_endpoint_warns_before_the_lock_too(editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert "One more" not in str(get_token("editor", "wrong").json())
    response = get_token("editor", "wrong")
    assert response.status_code == 400
    assert "One more failed attempt locks this account" in response.json()["non_field_errors"][0]


def test_the_locked_login_page_says_who_can_unlock_the_account(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    assertContains(
        response,
        "<p>An administrator can unlock it sooner: in the admin, under Access attempts, "
        "or with python manage.py axes_reset_username NAME.</p>",
        html=True,
        status_code=429,
    )


def test_the_locked_api_answer_says_who_can_unlock_the_account(editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = get_token("editor", "wrong")
    assert response.status_code == 429
    assert "axes_reset_username" in response.json()["detail"]


def test_login_page_and_api_share_one_counter(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "editor", "password": "wrong"})
    assert get_token("editor", "wrong").status_code == 429
    assert get_token("editor").status_code == 429


def test_login_page_logs_in_with_the_right_password(client, editor):
    response = client.post("/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_body_over_the_limit_gets_413_json_and_writes_nothing(api, editor, settings):
    body = json.dumps({"title": "Big", "body": "x" * 7_000_000, "language": "en"})
    response = api(editor).post(ARTICLES, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert not Article.objects.exists()


def test_body_over_the_limit_is_refused_before_authentication():
    response = APIClient().post(TOKEN, "x" * 7_000_000, content_type="application/json")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


@pytest.mark.parametrize("path", [ARTICLES, TOKEN, "/api/v1/articles/import/"])
def test_malformed_json_gets_400_json(api, editor, path):
    response = api(editor).post(path, '{"title": "unfinished', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_unknown_api_path_gets_404_json(api, editor):
    response = api(editor).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No API resource at /api/v1/no-such-thing/."


def test_user_created_with_password_can_get_a_token():
    UserFactory(username="newcomer", role="reviewer")
    assert get_token("newcomer").status_code == 200
