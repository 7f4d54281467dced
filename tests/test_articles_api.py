"""Articles through the REST API: tokens, CRUD by editors, filters, NFC bodies, body edits."""

import unicodedata

import pytest
from rest_framework.test import APIClient

from annotations.models import Article, Claim

from .factories import PASSWORD, ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"


def article_payload(**overrides) -> dict:
    return {
        "title": "Council approves tram extension",
        "body": "The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded.",
        "url": "https://news.example.org/tram",
        "publisher": "The Coastal Ledger",
        "language": "en",
        "published_at": "2026-03-14T09:30:00Z",
        **overrides,
    }


def test_token_from_username_and_password_authenticates_scripts(editor):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "editor", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.post(ARTICLES, article_payload(), format="json").status_code == 201


def test_token_with_wrong_password_is_refused_with_400(editor):
    response = APIClient().post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_editor_creates_article_and_gets_its_id(api, editor):
    response = api(editor).post(ARTICLES, article_payload(), format="json")
    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert article.title == "Council approves tram extension"
    assert article.created_by == editor
    assert response.json()["published_at"] == "2026-03-14T09:30:00Z"


def test_bare_publication_date_is_taken_as_midnight_utc(api, editor):
    response = api(editor).post(ARTICLES, article_payload(published_at="2026-03-14"), format="json")
    assert response.status_code == 201
    assert response.json()["published_at"] == "2026-03-14T00:00:00Z"


def test_retrieve_gives_the_body_and_the_list_leaves_it_out(api, viewer):
    article = ArticleFactory()
    client = api(viewer)
    assert client.get(f"{ARTICLES}{article.pk}/").json()["body"] == article.body
    (item,) = client.get(ARTICLES).json()["results"]
    assert item["id"] == article.pk
    assert "body" not in item


def test_list_counts_each_articles_claims(api, viewer):
    article = ArticleFactory()
    ClaimFactory(article=article, exact="voted 31 to 12")
    ClaimFactory(article=article, exact="fully funded")
    (item,) = api(viewer).get(ARTICLES).json()["results"]
    assert item["claim_count"] == 2


def test_editor_updates_title_and_publisher(api, editor):
    article = ArticleFactory()
    response = api(editor).patch(
        f"{ARTICLES}{article.pk}/", {"title": "A better title", "publisher": "Le Monde"}, format="json"
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.title, article.publisher) == ("A better title", "Le Monde")


def test_editor_deletes_an_article_without_claims(api, editor):
    article = ArticleFactory()
    assert api(editor).delete(f"{ARTICLES}{article.pk}/").status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()


def test_deleting_an_article_takes_its_unannotated_claims_with_it(api, editor):
    claim = ClaimFactory()
    assert api(editor).delete(f"{ARTICLES}{claim.article_id}/").status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_deleting_an_article_whose_claims_are_annotated_is_refused_with_409(api, editor, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer)
    response = api(editor).delete(f"{ARTICLES}{claim.article_id}/")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Article.objects.filter(pk=claim.article_id).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_missing_article_is_404(api, viewer):
    assert api(viewer).get(f"{ARTICLES}999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=it", {"Italian"}),
        ("language=EN", {"English", "English again"}),
        ("publisher=ledger", {"English"}),
        ("search=coastal", {"English"}),
        ("search=valdora", {"Italian"}),
        ("search=gazzetta", {"Italian"}),
        ("search=differenziata", set()),  # titles and publishers only: bodies are not scanned
        ("search=Italian", {"Italian"}),
    ],
)
def test_articles_filter_by_language_publisher_and_text(api, viewer, query, expected):
    ArticleFactory(title="English", language="en", publisher="The Coastal Ledger", body="The tram line grows.")
    ArticleFactory(title="English again", language="en", publisher="Daily Planet", body="Nothing to see.")
    ArticleFactory(
        title="Italian", language="it", publisher="Gazzetta di Valdora", body="La raccolta differenziata cresce."
    )
    response = api(viewer).get(f"{ARTICLES}?{query}")
    assert response.status_code == 200
    assert {item["title"] for item in response.json()["results"]} == expected


def test_decomposed_body_is_stored_composed(api, editor):
    body = unicodedata.normalize("NFD", "Il caffè è più caro del 20% a Città di Castello.")
    assert body != unicodedata.normalize("NFC", body)
    response = api(editor).post(ARTICLES, article_payload(body=body, language="it"), format="json")
    assert response.status_code == 201
    stored = Article.objects.get(pk=response.json()["id"]).body
    assert stored == unicodedata.normalize("NFC", body)
    assert response.json()["body"] == stored


def test_decomposed_title_and_crlf_line_endings_are_normalised(api, editor):
    title = unicodedata.normalize("NFD", "Perché la città")
    response = api(editor).post(ARTICLES, article_payload(title=title, body="One.\r\nTwo.\rThree."), format="json")
    article = Article.objects.get(pk=response.json()["id"])
    assert article.title == "Perché la città"
    assert article.body == "One.\nTwo.\nThree."


@pytest.mark.parametrize(
    ("given", "stored"),
    [("en", "en"), ("it", "it"), ("pt-br", "pt-BR"), ("zh-Hant", "zh-Hant"), ("es-419", "es-419"), ("en_US", "en-US")],
)
def test_bcp47_language_tags_are_accepted_in_canonical_case(api, editor, given, stored):
    response = api(editor).post(ARTICLES, article_payload(language=given), format="json")
    assert response.status_code == 201
    assert Article.objects.get(pk=response.json()["id"]).language == stored


@pytest.mark.parametrize("language", ["english", "e", "123", "", "en-", "x", "xx-YY", "en us", "en--US"])
def test_invalid_language_tag_is_refused_with_400_naming_language(api, editor, language):
    response = api(editor).post(ARTICLES, article_payload(language=language), format="json")
    assert response.status_code == 400
    assert "language" in response.json()
    assert not Article.objects.exists()


def test_body_edit_that_keeps_claims_intact_is_accepted_and_refreshes_their_context(api, editor):
    claim = ClaimFactory(exact="voted 31 to 12")
    body = claim.article.body.replace("fully funded", "fully funded by the region")
    response = api(editor).patch(f"{ARTICLES}{claim.article_id}/", {"body": body}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.article.body == body
    assert body[claim.start : claim.end] == claim.exact == "voted 31 to 12"
    assert claim.suffix == body[claim.end : claim.end + 32]


def test_body_edit_is_free_while_an_article_has_no_claims(api, editor):
    article = ArticleFactory()
    response = api(editor).patch(f"{ARTICLES}{article.pk}/", {"body": "Entirely new text."}, format="json")
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body == "Entirely new text."


def test_put_is_not_offered_for_articles(api, editor):
    article = ArticleFactory()
    response = api(editor).put(f"{ARTICLES}{article.pk}/", article_payload(), format="json")
    assert response.status_code == 405


def test_article_search_needs_three_characters_and_says_so_naming_search(api, viewer):
    response = api(viewer).get(f"{ARTICLES}?search=ab")
    assert response.status_code == 400
    assert "search" in response.json()


def test_list_pages_by_cursor_without_a_total(api, viewer):
    ArticleFactory.create_batch(3)
    data = api(viewer).get(f"{ARTICLES}?page_size=2").json()
    assert set(data) == {"next", "previous", "results"}
    assert len(data["results"]) == 2 and "cursor=" in data["next"] and data["previous"] is None


def test_browser_session_reads_the_same_endpoints(client):
    client.force_login(UserFactory(username="sessioned", role="viewer"))
    assert client.get(ARTICLES).status_code == 200
