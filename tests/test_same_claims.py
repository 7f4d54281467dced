"""Same-claim links: POST/GET /claims/{id}/matches/, DELETE /claims/{id}/matches/{other}/, `matches` on claims."""

import pytest

from annotations.models import ClaimGroup

from .factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    """The same claim in three articles."""
    return [ClaimFactory(article=ArticleFactory(), exact="voted 31 to 12", claimant=f"Paper {n}") for n in range(3)]


def link(client, claim, other):
    return client.post(f"/api/v1/claims/{claim.pk}/matches/", {"claim": other.pk}, format="json")


def matches(client, claim) -> list[int]:
    return client.get(f"/api/v1/claims/{claim.pk}/").json()["matches"]


def test_a_link_shows_on_both_claims(api, reviewer, three):
    a, b, _ = three
    response = link(api(reviewer), a, b)

    assert response.status_code == 201
    assert response.json()["claim"]["id"] == b.pk
    assert response.json()["linked_by"] == "reviewer"
    assert matches(api(reviewer), a) == [b.pk]
    assert matches(api(reviewer), b) == [a.pk]


def test_linked_claims_form_one_group(api, reviewer, three):
    a, b, c = three
    link(api(reviewer), a, b)
    link(api(reviewer), c, b)

    assert matches(api(reviewer), a) == [b.pk, c.pk]
    assert matches(api(reviewer), c) == [a.pk, b.pk]
    assert ClaimGroup.objects.count() == 1


def test_linking_two_groups_merges_them(api, reviewer, three):
    a, b, c = three
    d = ClaimFactory(article=ArticleFactory(), exact="voted 31 to 12")
    link(api(reviewer), a, b)
    link(api(reviewer), c, d)

    assert link(api(reviewer), b, d).status_code == 201

    assert matches(api(reviewer), a) == [b.pk, c.pk, d.pk]
    assert ClaimGroup.objects.count() == 1


def test_the_matches_list_says_who_linked_and_when(api, reviewer, editor, three):
    a, b, c = three
    link(api(reviewer), a, b)
    link(api(editor), a, c)

    listed = api(reviewer).get(f"/api/v1/claims/{a.pk}/matches/").json()

    assert [(m["claim"]["id"], m["linked_by"]) for m in listed] == [(b.pk, "reviewer"), (c.pk, "editor")]
    assert all(m["linked_at"] for m in listed)


def test_linking_a_claim_to_itself_is_refused_naming_claim(api, reviewer, three):
    response = link(api(reviewer), three[0], three[0])
    assert response.status_code == 400
    assert "itself" in response.json()["claim"][0]


def test_linking_claims_already_linked_is_refused_both_ways(api, reviewer, three):
    a, b, c = three
    link(api(reviewer), a, b)
    link(api(reviewer), b, c)

    for first, second in ((a, b), (b, a), (c, a)):
        response = link(api(reviewer), first, second)
        assert response.status_code == 400
        assert "already linked" in response.json()["claim"][0]
    assert matches(api(reviewer), a) == [b.pk, c.pk]


def test_linking_claims_of_the_same_article_is_refused(api, reviewer):
    article = ArticleFactory()
    a = ClaimFactory(article=article, exact="voted 31 to 12")
    b = ClaimFactory(article=article, exact="fully funded")
    response = link(api(reviewer), a, b)
    assert response.status_code == 400
    assert "same article" in response.json()["claim"][0]


@pytest.mark.parametrize("payload", [{}, {"claim": "x"}, {"claim": 999999}])
def test_linking_needs_an_existing_claim(api, reviewer, three, payload):
    response = api(reviewer).post(f"/api/v1/claims/{three[0].pk}/matches/", payload, format="json")
    assert response.status_code == 400
    assert "claim" in response.json()
    assert matches(api(reviewer), three[0]) == []


def test_unlinking_takes_the_claim_out_of_the_group(api, reviewer, three):
    a, b, c = three
    link(api(reviewer), a, b)
    link(api(reviewer), a, c)

    assert api(reviewer).delete(f"/api/v1/claims/{a.pk}/matches/{b.pk}/").status_code == 204

    assert matches(api(reviewer), a) == [c.pk]
    assert matches(api(reviewer), c) == [a.pk]
    assert matches(api(reviewer), b) == []


def test_unlinking_the_last_pair_removes_the_group(api, reviewer, three):
    a, b, _ = three
    link(api(reviewer), a, b)

    assert api(reviewer).delete(f"/api/v1/claims/{b.pk}/matches/{a.pk}/").status_code == 204

    assert (matches(api(reviewer), a), matches(api(reviewer), b)) == ([], [])
    assert ClaimGroup.objects.count() == 0


def test_unlinking_claims_that_are_not_linked_is_refused(api, reviewer, three):
    response = api(reviewer).delete(f"/api/v1/claims/{three[0].pk}/matches/{three[1].pk}/")
    assert response.status_code == 400
    assert "not linked" in response.json()["claim"][0]


@pytest.mark.parametrize(
    ("role", "expected"), [("viewer", 403), ("reviewer", 201), ("editor", 201), ("anonymous", 403)]
)
def test_who_may_link(api, three, role, expected):
    user = None if role == "anonymous" else UserFactory(username=f"{role}-user", role=role)
    response = link(api(user), three[0], three[1])
    assert response.status_code in ({expected, 401} if role == "anonymous" else {expected})


def test_viewers_read_matches_but_may_not_unlink(api, reviewer, viewer, three):
    a, b, _ = three
    link(api(reviewer), a, b)

    assert matches(api(viewer), a) == [b.pk]
    assert api(viewer).delete(f"/api/v1/claims/{a.pk}/matches/{b.pk}/").status_code == 403
    assert matches(api(viewer), a) == [b.pk]
