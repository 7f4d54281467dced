"""Who may do what with articles and claims, by role: anonymous, no role, viewer, reviewer, editor."""

import pytest

from annotations.models import Article, Claim

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no-role", "viewer", "reviewer", "editor"]
NEW_ARTICLE = {"title": "New", "body": "Fresh text with a claim in it.", "language": "en"}
QUOTE = {"selector": [{"type": "TextQuoteSelector", "exact": "fully funded"}]}


def user_for(role: str):
    if role == "anonymous":
        return None
    return UserFactory(username=f"{role}-user", role=None if role == "no-role" else role)


def expect(allowed: int, **by_role) -> dict:
    """Expected status per role: `allowed` for the named roles, refusals for the others."""
    refused = {"anonymous": {401, 403}, "no-role": {403}, "viewer": {403}, "reviewer": {403}, "editor": {403}}
    return {role: {allowed} if role in by_role else refused[role] for role in ROLES}


READERS = {"viewer": True, "reviewer": True, "editor": True}

ARTICLE_ACTIONS = {
    "list": (lambda c, a: c.get("/api/v1/articles/"), expect(200, **READERS)),
    "retrieve": (lambda c, a: c.get(f"/api/v1/articles/{a.pk}/"), expect(200, **READERS)),
    "create": (lambda c, a: c.post("/api/v1/articles/", NEW_ARTICLE, format="json"), expect(201, editor=True)),
    "update": (
        lambda c, a: c.patch(f"/api/v1/articles/{a.pk}/", {"title": "Renamed"}, format="json"),
        expect(200, editor=True),
    ),
    "delete": (lambda c, a: c.delete(f"/api/v1/articles/{a.pk}/"), expect(204, editor=True)),
    "import": (
        lambda c, a: c.post("/api/v1/articles/import/", [NEW_ARTICLE], format="json"),
        expect(201, editor=True),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ARTICLE_ACTIONS))
def test_article_permissions_by_role(api, role, action):
    article = ArticleFactory(title="Original")
    request, expected = ARTICLE_ACTIONS[action]
    response = request(api(user_for(role)), article)
    assert response.status_code in expected[role]
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert Article.objects.count() == 1
        assert Article.objects.get().title == "Original"


CLAIM_WRITERS = {"reviewer": True, "editor": True}

CLAIM_ACTIONS = {
    "list": (lambda c, own, other: c.get("/api/v1/claims/"), expect(200, **READERS)),
    "list under article": (
        lambda c, own, other: c.get(f"/api/v1/articles/{other.article_id}/claims/"),
        expect(200, **READERS),
    ),
    "retrieve": (lambda c, own, other: c.get(f"/api/v1/claims/{other.pk}/"), expect(200, **READERS)),
    "create": (
        lambda c, own, other: c.post(f"/api/v1/articles/{other.article_id}/claims/", QUOTE, format="json"),
        expect(201, **CLAIM_WRITERS),
    ),
    "update own": (
        lambda c, own, other: c.patch(f"/api/v1/claims/{own.pk}/", {"claimant": "Changed"}, format="json"),
        expect(200, **CLAIM_WRITERS),
    ),
    "update other's": (
        lambda c, own, other: c.patch(f"/api/v1/claims/{other.pk}/", {"claimant": "Changed"}, format="json"),
        expect(200, editor=True),
    ),
    "delete own": (lambda c, own, other: c.delete(f"/api/v1/claims/{own.pk}/"), expect(204, **CLAIM_WRITERS)),
    "delete other's": (lambda c, own, other: c.delete(f"/api/v1/claims/{other.pk}/"), expect(204, editor=True)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CLAIM_ACTIONS))
def test_claim_permissions_by_role(api, role, action):
    user = user_for(role)
    article = ArticleFactory()
    own = ClaimFactory(article=article, exact="voted 31 to 12", claimant="Council", created_by=user)
    other = ClaimFactory(
        article=article,
        exact="on Tuesday",
        claimant="Council",
        created_by=UserFactory(username="someone"),
    )
    request, expected = CLAIM_ACTIONS[action]
    response = request(api(user), own, other)
    assert response.status_code in expected[role]
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert Claim.objects.count() == 2
        assert set(Claim.objects.values_list("claimant", flat=True)) == {"Council"}


def test_viewer_sees_no_unpublished_verdict_on_claims(api, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer, key="false")
    (item,) = api(user_for("viewer")).get("/api/v1/claims/").json()["results"]
    assert item["published_verdict"] is None
