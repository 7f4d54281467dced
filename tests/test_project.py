"""The project as a whole: production checks, the OpenAPI schema and its docs page, demo data, the README."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from playwright.sync_api import expect

from annotations.models import Article, Claim, PriorFactCheck

pytest_plugins = ["tests.browser_fixtures"]

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    # Test-process settings that a deployment would not have (the browser fixtures allow async-unsafe ORM use).
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def production_env(**overrides) -> dict:
    return {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "example.org", **overrides}


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = manage("check", **{**env, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_openapi_schema_validates_without_warnings():
    result = manage("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json")
    assert result.returncode == 0, result.stderr
    assert '"openapi": "3.' in result.stdout
    for path in ("/api/v1/articles/", "/api/v1/articles/{id}/claims/", "/api/v1/articles/import/", "/api/v1/claims/"):
        assert f'"{path}"' in result.stdout


def test_schema_endpoint_serves_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_docs_page_loads_its_scripts_and_styles_from_the_app_itself(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as in development; production serves the collected files
    _, html = docs_page(client)
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4
    for url in assets:
        assert not re.match(r"^(https?:)?//", url), f"{url} is not served by the app"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])


def test_docs_page_inline_code_is_allowed_by_its_csp(client):
    response, html = docs_page(client)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in policy["style-src"] + policy["script-src"]
    assert not re.search(r"<script>\s*\S", html), "inline scripts would be blocked by script-src 'self'"
    for style in re.findall(r"<style>(.*?)</style>", html, re.S):
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["style-src"]


def test_other_pages_keep_the_strict_csp(client):
    policy = client.get("/api/schema/")["Content-Security-Policy"]
    assert "style-src 'self';" in policy + ";"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_under_the_csp(open_page):
    page = open_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name=re.compile("factcheck API"))).to_be_visible()
    operation = page.locator(".opblock-summary", has_text="/api/v1/articles/import/")
    operation.click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    assert problems == []


@pytest.mark.django_db
def test_seed_demo_runs_twice_and_prints_working_passwords():
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        outputs.append(out.getvalue())
    assert Article.objects.filter(language="en").count() == 1
    assert Article.objects.filter(language="it").count() == 1
    assert Claim.objects.filter(published_version__isnull=False).count() == Claim.objects.count() >= 4
    passwords = dict(re.findall(r"^\s+(editor|reviewer|viewer)\s+(\S+)$", outputs[-1], re.M))
    assert set(passwords) == {"editor", "reviewer", "viewer"}
    for username, password in passwords.items():
        assert authenticate(RequestFactory().post("/login/"), username=username, password=password) is not None


@pytest.mark.django_db
def test_the_demo_desk_finds_other_fact_checkers_verdicts_in_checked_before(api):
    for _ in range(2):
        call_command("seed_demo", stdout=StringIO())
    assert PriorFactCheck.objects.count() == 4  # one per fact-check URL, however often the demo is seeded
    reviewer = get_user_model().objects.get(username="reviewer")
    ridership = Claim.objects.get(exact__startswith="ridership on the existing line")
    suggestions = api(reviewer).get(f"/api/v1/claims/{ridership.pk}/similar/").json()
    prior = next(s["prior_factcheck"] for s in suggestions if s.get("prior_factcheck"))
    assert (prior["publisher"], prior["rating"], prior["verdict"]) == ("Fact Desk Example", "False", "false")
    unmapped = api(get_user_model().objects.get(username="editor")).get("/api/v1/rating-mappings/unmapped/").json()
    assert {row["rating_name"] for row in unmapped} >= {"Half True", "Engañoso", "C'eri quasi"}


@pytest.mark.django_db
def test_seed_demo_prints_the_address_the_server_will_listen_on():
    out = StringIO()
    call_command("seed_demo", address="127.0.0.1:8310", stdout=out)
    assert "Log in at http://127.0.0.1:8310/ with:" in out.getvalue()


@pytest.mark.parametrize(
    "address, url",
    [("8310", "http://127.0.0.1:8310/"), ("0.0.0.0:8000", "http://127.0.0.1:8000/"), ("[::1]:81", "http://[::1]:81/")],
)
def test_the_printed_login_address_is_one_a_browser_on_this_machine_opens(address, url):
    from annotations.management.commands.seed_demo import login_url

    assert login_url(address) == url


def test_make_run_hands_its_address_to_seed_demo_and_runserver_alike():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "seed_demo --address $(RUN_ADDRESS)" in recipe
    assert "runserver $(RUN_ADDRESS)" in recipe


def test_readme_opens_with_the_two_commands_that_the_makefile_and_ci_run():
    opening = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8])
    assert "make run" in opening
    assert "make test" in opening
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
    assert "127.0.0.1:8000" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
