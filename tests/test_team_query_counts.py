"""The team lists (My work, assignments, a claim's discussion, notifications) run as many queries for a full page
as for one item."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import assignments, comments

from .factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = 30
BODY = " ".join(f"Figure {n:02d} rose." for n in range(PAGE))


def queries_for(api, username: str, path: str, expected_count: int) -> int:
    client = api(get_user_model().objects.get(username=username))  # roles looked up afresh, as in production
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_count
    return len(context.captured_queries)


@pytest.fixture
def desk(db):
    editor = UserFactory(role="editor", username="editor")
    UserFactory(role="reviewer", username="reviewer")
    article = ArticleFactory(body=BODY)
    claims = [ClaimFactory(article=article, exact=f"Figure {n:02d}") for n in range(PAGE)]
    return editor, claims


def grow(editor, claims, first: int, last: int) -> None:
    for claim in claims[first:last]:
        assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
        comments.add_comment(claims[0], author=editor, body=f"@reviewer about {claim.exact}")


@pytest.mark.parametrize(
    "user, path",
    [
        ("reviewer", "/api/v1/me/assignments/"),
        ("editor", "/api/v1/assignments/"),
        ("reviewer", "/api/v1/me/notifications/?page_size=100"),
    ],
)
def test_team_lists_do_not_grow_with_the_page(api, desk, user, path):
    editor, claims = desk
    grow(editor, claims, 0, 1)
    one = queries_for(api, user, path, 1 if "notifications" not in path else 2)
    grow(editor, claims, 1, PAGE)
    assert queries_for(api, user, path, PAGE if "notifications" not in path else 2 * PAGE) == one


def test_a_discussion_does_not_grow_with_the_page(api, desk):
    editor, claims = desk
    grow(editor, claims, 0, 1)
    path = f"/api/v1/claims/{claims[0].pk}/comments/"
    one = queries_for(api, "reviewer", path, 1)
    grow(editor, claims, 1, PAGE)
    assert queries_for(api, "reviewer", path, PAGE) == one
