"""The language filter means one thing everywhere: a primary tag (`en`) matches its variants (`en-GB`),
a full tag (`en-GB`) only itself, case-insensitively. Checked on every place that filters by language:
API lists, claim search, the CSV export, the stats API, the dashboard and the browser's article list."""

import csv
import io

import pytest

from annotations.languages import clean_language_filter, filter_choices, language_matches

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

CASES = [
    ("en", {"en", "en-GB"}),
    ("en-GB", {"en-GB"}),
    ("EN-gb", {"en-GB"}),
    ("en_GB", {"en-GB"}),
    ("it", {"it"}),
    ("en-US", set()),
]


@pytest.fixture
def desk(editor, reviewer):
    """One article in each of en, en-GB and it, each with a claim whose verdict is published."""
    claims = {}
    for language in ("en", "en-GB", "it"):
        claim = ClaimFactory(article=ArticleFactory(language=language, title=f"In {language}"))
        publish(make_annotation(claim, reviewer), editor)
        claims[language] = claim
    return claims


def _languages_of_claims(desk, ids) -> set[str]:
    by_id = {claim.pk: language for language, claim in desk.items()}
    return {by_id[int(pk)] for pk in ids}


@pytest.mark.parametrize("tag, expected", CASES)
def test_article_list_api(api, editor, desk, tag, expected):
    results = api(editor).get("/api/v1/articles/", {"language": tag}).json()["results"]
    assert {row["language"] for row in results} == expected


@pytest.mark.parametrize("tag, expected", CASES)
def test_claim_list_api(api, editor, desk, tag, expected):
    results = api(editor).get("/api/v1/claims/", {"language": tag}).json()["results"]
    assert _languages_of_claims(desk, [row["id"] for row in results]) == expected


@pytest.mark.parametrize("tag, expected", CASES)
def test_claim_search(api, editor, desk, tag, expected):
    response = api(editor).get("/api/v1/claims/", {"q": "31", "language": tag})
    assert response.status_code == 200, response.content
    assert _languages_of_claims(desk, [row["id"] for row in response.json()["results"]]) == expected


@pytest.mark.parametrize("tag, expected", CASES)
def test_csv_export(api, editor, desk, tag, expected):
    response = api(editor).get("/api/v1/exports/verdicts.csv", {"language": tag})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert {row["language"] for row in csv.DictReader(io.StringIO(text, newline=""))} == expected


@pytest.mark.parametrize("tag, expected", CASES)
def test_stats_api_sums_every_matching_language(api, editor, desk, tag, expected):
    response = api(editor).get("/api/v1/stats/", {"language": tag})
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["published"] == len(expected)


@pytest.mark.parametrize("tag, expected", CASES)
def test_dashboard(browser_client, editor, desk, tag, expected):
    response = browser_client(editor).get("/dashboard/", {"language": tag})
    assert response.status_code == 200
    assert response.context["figures"].totals["published"] == len(expected)


@pytest.mark.parametrize("tag, expected", CASES)
def test_browser_article_list(browser_client, editor, desk, tag, expected):
    response = browser_client(editor).get("/", {"language": tag})
    assert response.status_code == 200
    assert {article.language for article in response.context["page"]} == expected


def test_article_list_offers_the_primary_tag_of_a_regional_variant(browser_client, editor):
    ArticleFactory(language="en-GB")
    response = browser_client(editor).get("/", {"language": "en"})
    assert response.context["languages"] == ["en", "en-GB"]
    assert response.context["language"] == "en"


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/exports/verdicts.csv", "/api/v1/stats/"]
)
def test_a_malformed_tag_gets_400_naming_language_on_the_api(api, editor, path):
    response = api(editor).get(path, {"language": "en--GB"})
    assert response.status_code == 400
    assert "language" in response.json()


@pytest.mark.parametrize("path", ["/", "/dashboard/"])
def test_a_malformed_tag_gets_400_on_a_page(browser_client, editor, path):
    response = browser_client(editor).get(path, {"language": "en--GB"})
    assert response.status_code == 400
    assert "is not a BCP 47 language tag" in response.content.decode()


def test_the_rule_in_one_function():
    assert language_matches("en-GB", "en") and language_matches("EN", "en")
    assert not language_matches("en", "en-GB") and not language_matches("eng", "en")
    assert clean_language_filter("  EN-gb ") == "en-gb" and clean_language_filter("") == ""
    assert filter_choices(["en-GB", "it", "en-US"]) == ["en", "en-GB", "en-US", "it"]
