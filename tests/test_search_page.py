"""The search page (/search/): for everyone with a role, in the menu, keeping the query it was opened with."""

import pytest

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_finds_the_search_page_in_the_menu(client, viewer):
    client.force_login(viewer)
    page = client.get("/")
    assert '<a href="/search/">Search claims</a>' in page.content.decode()


def test_the_search_page_keeps_the_query_and_offers_the_languages_in_use(client, reviewer):
    ArticleFactory(language="it")
    ArticleFactory(language="en")
    client.force_login(reviewer)

    response = client.get("/search/", {"q": "Kaspersky ban", "language": "it"})

    assert response.status_code == 200
    assert response.context["query"] == "Kaspersky ban"
    assert response.context["language"] == "it"
    assert response.context["languages"] == ["en", "it"]


def test_the_search_page_needs_a_role(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/search/").status_code == 403
