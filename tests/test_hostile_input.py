"""Input an attacker would send gets a clear 4xx, never a 500: deep JSON, NUL bytes, too many fields,
unknown API paths with DEBUG on."""

import json

import pytest
from django.test import override_settings

from annotations.importing import ImportFailed, parse_payload
from factcheck.lib import bounded_json

from .factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "path",
    ["/api/v1/articles/", "/api/v1/auth/token/", "/api/v1/articles/import/", "/api/v1/exports/", "/api/v1/me/"],
)
def test_json_nested_ten_thousand_levels_deep_gets_400_json_naming_the_limit(api, editor, path):
    method = api(editor).patch if path == "/api/v1/me/" else api(editor).post
    response = method(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 100 levels" in response.json()["detail"]


def test_json_nested_just_past_the_limit_is_refused_too(api, editor):
    response = api(editor).post("/api/v1/articles/", _nested(101), content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 100 levels" in response.json()["detail"]


def test_json_at_the_limit_is_read_and_judged_by_its_fields(api, editor):
    response = api(editor).post("/api/v1/articles/", _nested(100), content_type="application/json")
    assert response.status_code == 400
    assert "nested" not in json.dumps(response.json())


def test_json_lines_import_with_a_deep_line_names_that_line(api, editor):
    body = json.dumps({"title": "T", "body": "B", "language": "en"}) + "\n" + DEEP + "\n"
    response = api(editor).post("/api/v1/articles/import/", body, content_type="application/x-ndjson")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 2


def test_the_import_command_refuses_a_deeply_nested_file_like_malformed_json():
    with pytest.raises(ImportFailed) as failure:
        parse_payload(DEEP)
    assert "nested more than 100 levels" in failure.value.errors[0].message


def test_a_paging_cursor_holding_deep_json_gets_400(api, editor):
    import base64

    cursor = base64.urlsafe_b64encode(DEEP.encode()).decode().rstrip("=")
    response = api(editor).get("/api/v1/articles/", {"cursor": cursor})
    assert response.status_code == 400


def test_bounded_json_measures_depth_without_recursing():
    value = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(bounded_json.TooDeep):
        bounded_json.check_depth(value)


# ---------------------------------------------------------------- NUL bytes in query parameters


@pytest.mark.parametrize(
    "path, query",
    [
        ("/", "language=%00"),
        ("/", "q=abc%00"),
        ("/dashboard/", "language=%00"),
        ("/search/", "q=%00"),
        ("/review/", "lang%00uage=en"),
    ],
)
def test_a_nul_byte_in_a_page_query_gets_a_400_page_naming_the_parameter(browser_client, editor, path, query):
    response = browser_client(editor).get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    name = query.split("=")[0].replace("%00", "\\x00")
    assert f"The query parameter {name} contains a NUL character" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/stats/", "/api/v1/articles/", "/api/v1/claims/", "/api/v1/exports/verdicts.csv"]
)
def test_a_nul_byte_in_an_api_query_gets_400_json_naming_the_parameter(api, editor, path):
    response = api(editor).get(f"{path}?language=en%00")
    assert response.status_code == 400
    assert response.json()["language"] == ["The query parameter language contains a NUL character (%00)."]


def test_a_nul_byte_in_claim_search_gets_400_json(api, editor):
    ClaimFactory()
    response = api(editor).get("/api/v1/claims/?q=abc%00")
    assert response.status_code == 400
    assert "q" in response.json()


# ---------------------------------------------------------------- too many fields


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_query_parameters_on_the_api_get_400_json(api, editor):
    query = "&".join(f"f{n}=1" for n in range(11))
    response = api(editor).get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert "more than 10 parameters" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_form_fields_in_an_api_body_get_400_json(api, editor):
    # The one API body that is a form: a prior fact-check import's upload (multipart).
    fields = {f"f{n}": "1" for n in range(11)}
    response = api(editor).post("/api/v1/prior-factchecks/imports/", fields, format="multipart")
    assert response.status_code == 400
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_query_parameters_on_a_page_get_a_400_page(browser_client, editor):
    query = "&".join(f"f{n}=1" for n in range(11))
    response = browser_client(editor).get(f"/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# ---------------------------------------------------------------- unknown API paths


@pytest.mark.parametrize("debug", [False, True])
def test_an_unmatched_api_path_answers_json_404_whatever_debug_says(api, editor, settings, debug):
    settings.DEBUG = debug
    response = api(editor).get("/api/v1/no-such-thing/deeper/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No API resource at /api/v1/no-such-thing/deeper/."}


def test_an_unmatched_api_path_answers_json_404_to_a_post_without_a_csrf_token(client, editor):
    client.force_login(editor)
    response = client.post("/api/v1/annotations/1.5/approve/", {"comment": "x"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No API resource at")


def test_a_real_route_without_its_slash_is_still_redirected(api, editor):
    ArticleFactory()
    response = api(editor).get("/api/v1/articles")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/articles/"
