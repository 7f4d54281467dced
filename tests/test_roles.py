"""Promises about roles that no other test pins: superusers act as editors, accounts without a role
are refused everywhere and write nothing, reviewers cannot add articles through the page."""

import pytest
from django.contrib.auth import get_user_model

from annotations.models import Annotation, AnnotationVersion, Article, Claim, ExportJob

from .factories import PASSWORD, ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def test_superuser_without_a_group_approves_like_an_editor(api, superuser, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    client = api(superuser)
    assert client.post(f"/api/v1/annotations/{annotation.pk}/submit/").status_code == 403  # not their own
    api(reviewer).post(f"/api/v1/annotations/{annotation.pk}/submit/")
    assert client.post(f"/api/v1/annotations/{annotation.pk}/approve/").status_code == 200
    assert Claim.objects.get().published_version.annotation_id == annotation.pk


def test_superuser_without_a_group_manages_articles_and_sees_agreement(api, superuser):
    client = api(superuser)
    created = client.post("/api/v1/articles/", {"title": "By root", "body": "Text.", "language": "en"}, format="json")
    assert created.status_code == 201
    assert client.get("/api/v1/agreement/").status_code == 200
    export = client.get("/api/v1/exports/verdicts.csv", {"versions": "all"})
    assert export.status_code == 200
    export.close()  # a streamed export holds its slot until closed


def test_superuser_edits_any_annotation(api, superuser, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer, rationale="Before")
    response = api(superuser).patch(
        f"/api/v1/annotations/{annotation.pk}/", {"rationale": "After"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


ROLELESS_READS = [
    "/api/v1/articles/",
    "/api/v1/claims/",
    "/api/v1/annotations/",
    "/api/v1/verdicts/",
    "/api/v1/exports/",
    "/api/v1/exports/verdicts.csv",
]


@pytest.mark.parametrize("path", ROLELESS_READS)
def test_account_without_a_role_reads_nothing(api, path):
    assert api(UserFactory(username="nobody")).get(path).status_code == 403


def test_account_without_a_role_writes_nothing_anywhere(api, reviewer, editor):
    claim = ClaimFactory()
    annotation = make_annotation(claim, reviewer)
    publish(annotation, editor)
    client = api(UserFactory(username="nobody"))
    writes = [
        client.post("/api/v1/articles/", {"title": "X", "body": "Y.", "language": "en"}, format="json"),
        client.post("/api/v1/articles/import/", [{"title": "X", "body": "Y.", "language": "en"}], format="json"),
        client.patch(f"/api/v1/articles/{claim.article_id}/", {"title": "Renamed"}, format="json"),
        client.delete(f"/api/v1/articles/{claim.article_id}/"),
        client.post(
            f"/api/v1/articles/{claim.article_id}/claims/",
            {"selector": [{"type": "TextQuoteSelector", "exact": "fully funded"}]},
            format="json",
        ),
        client.patch(f"/api/v1/claims/{claim.pk}/", {"claimant": "Changed"}, format="json"),
        client.post(f"/api/v1/claims/{claim.pk}/annotations/", {"verdict": "true", "confidence": 50}, format="json"),
        client.patch(f"/api/v1/annotations/{annotation.pk}/", {"rationale": "X"}, format="json", HTTP_IF_MATCH='"1"'),
        client.post(f"/api/v1/annotations/{annotation.pk}/revert/", {"version": 1}, format="json", HTTP_IF_MATCH='"1"'),
        client.post(f"/api/v1/annotations/{annotation.pk}/reject/"),
        client.post("/api/v1/exports/", {"format": "csv"}, format="json"),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert list(Article.objects.values_list("title", flat=True)) == [claim.article.title]
    assert Claim.objects.get().claimant == "City council"
    assert Annotation.objects.get().status == Annotation.Status.APPROVED
    assert AnnotationVersion.objects.count() == 1
    assert not ExportJob.objects.exists()


def test_account_without_a_role_gets_no_page(client):
    client.force_login(UserFactory(username="nobody"))
    article = ArticleFactory()
    for path in ("/", f"/articles/{article.pk}/", "/articles/add/", "/review/", "/exports/"):
        assert client.get(path).status_code == 403, path


def test_reviewer_posting_the_add_article_form_is_refused_and_nothing_is_created(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/articles/add/", {"title": "Mine", "body": "Text.", "language": "en"})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_revert_with_a_stale_if_match_is_refused_with_412_and_adds_no_version(api, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer, rationale="One")
    client = api(reviewer)
    client.patch(f"/api/v1/annotations/{annotation.pk}/", {"rationale": "Two"}, format="json", HTTP_IF_MATCH='"1"')
    response = client.post(
        f"/api/v1/annotations/{annotation.pk}/revert/", {"version": 1}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2
    assert AnnotationVersion.objects.filter(annotation=annotation).count() == 2
