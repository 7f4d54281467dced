"""The Django admin edits through the services or not at all (no back door around the API's rules)."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection

from annotations.exports import jsonl
from annotations.exports.filters import parse_filters
from annotations.exports.query import iter_rows
from annotations.models import Annotation, AnnotationVersion, Article, ArticleRevision, Claim, Verdict

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db


def _change_form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "url": article.url,
        "publisher": article.publisher,
        "published_at_0": "",
        "published_at_1": "",
    }
    return {**data, **changes}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_article_body_and_language_are_shown_read_only_with_a_link_to_the_reader(admin_client):
    article = ArticleFactory(language="en")
    response = admin_client.get(f"/admin/annotations/article/{article.pk}/change/")
    assert response.status_code == 200
    form_fields = response.context["adminform"].form.fields
    assert "body" not in form_fields and "language" not in form_fields
    assert "title" in form_fields
    assert f'href="/articles/{article.pk}/"' in response.content.decode()


def test_posting_a_body_or_language_in_the_admin_changes_neither(admin_client):
    article = ArticleFactory(language="en")
    response = admin_client.post(
        f"/admin/annotations/article/{article.pk}/change/",
        _change_form(article, body="Quite another text.", language="it"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.language, article.revision) == (ArticleFactory.body, "en", 1)
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_article_title_is_saved_through_the_service_trimmed_and_in_nfc(admin_client):
    article = ArticleFactory()
    response = admin_client.post(
        f"/admin/annotations/article/{article.pk}/change/", _change_form(article, title="  Cafe\u0301 vote  ")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Caf\u00e9 vote"


def test_a_blank_title_is_shown_next_to_the_field_and_nothing_is_saved(admin_client):
    article = ArticleFactory(title="Kept")
    response = admin_client.post(f"/admin/annotations/article/{article.pk}/change/", _change_form(article, title="   "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    article.refresh_from_db()
    assert article.title == "Kept"


def test_a_title_change_reaches_the_published_export_row(admin_client, api, editor, reviewer):
    claim = ClaimFactory()
    publish(make_annotation(claim, reviewer), editor)
    admin_client.post(
        f"/admin/annotations/article/{claim.article_id}/change/", _change_form(claim.article, title="Renamed")
    )
    assert _export(api, editor)[0]["article_title"] == "Renamed"


def test_deleting_an_unannotated_article_removes_it_with_its_revisions(admin_client):
    article = ArticleFactory()
    ClaimFactory(article=article)
    response = admin_client.post(f"/admin/annotations/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleRevision.objects.filter(article_id=article.pk).exists()


def test_deleting_an_annotated_article_is_refused_with_a_message_not_a_500(admin_client, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer)
    response = admin_client.post(f"/admin/annotations/article/{claim.article_id}/delete/", {"post": "yes"})
    # Django's own "Cannot delete" page, listing the annotations that protect it
    assert response.status_code == 200
    assert response.context["protected"]
    assert Article.objects.filter(pk=claim.article_id).exists()


def test_bulk_delete_of_articles_is_all_or_nothing_and_refusal_is_a_message(admin_client, reviewer):
    free = ArticleFactory()
    annotated = ClaimFactory()
    make_annotation(annotated, reviewer)
    response = admin_client.post(
        "/admin/annotations/article/",
        {"action": "delete_selected", "_selected_action": [free.pk, annotated.article_id], "post": "yes"},
    )
    assert response.status_code == 200
    assert response.context["protected"]
    assert Article.objects.filter(pk__in=[free.pk, annotated.article_id]).count() == 2


def test_bulk_delete_of_unannotated_articles_goes_through_the_service(admin_client):
    first, second = ArticleFactory(), ArticleFactory()
    response = admin_client.post(
        "/admin/annotations/article/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_deleting_an_annotated_claim_is_refused_with_a_message(admin_client, reviewer):
    claim = ClaimFactory()
    make_annotation(claim, reviewer)
    response = admin_client.post(f"/admin/annotations/claim/{claim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_deleting_an_unannotated_claim_keeps_the_articles_counter(admin_client):
    claim = ClaimFactory()
    response = admin_client.post(f"/admin/annotations/claim/{claim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.get(pk=claim.article_id).claim_count == 0


def test_the_service_refusal_becomes_a_message_and_a_redirect(admin_client, reviewer, monkeypatch):
    """A race the confirmation page could not see (an annotation added in between): the service refuses."""
    from annotations import admin as annotations_admin
    from annotations.exceptions import DomainConflict

    def refuse(claim):
        raise DomainConflict(f"Claim {claim.pk} has annotations and cannot be deleted.")

    monkeypatch.setattr(annotations_admin.ClaimAdmin, "delete_service", staticmethod(refuse))
    claim = ClaimFactory()
    response = admin_client.post(f"/admin/annotations/claim/{claim.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.redirect_chain[0] == (f"/admin/annotations/claim/{claim.pk}/change/", 302)
    assert any("has annotations" in text for text in _messages(response))
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_bulk_action_turns_a_service_refusal_into_a_message(admin_client, monkeypatch):
    from annotations import admin as annotations_admin
    from annotations.exceptions import DomainConflict

    def refuse(claim):
        raise DomainConflict("refused for the test.")

    monkeypatch.setattr(annotations_admin.ClaimAdmin, "delete_service", staticmethod(refuse))
    first, second = ClaimFactory(), ClaimFactory()
    response = admin_client.post(
        "/admin/annotations/claim/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert any("refused for the test." in text for text in _messages(response))
    assert Claim.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


@pytest.mark.parametrize("model", ["annotation", "annotationversion", "reviewtransition", "publication"])
def test_history_records_are_read_only_in_the_admin(admin_client, editor, reviewer, model):
    claim = ClaimFactory()
    publish(make_annotation(claim, reviewer), editor)
    record = {
        "annotation": Annotation.objects.first(),
        "annotationversion": AnnotationVersion.objects.first(),
        "reviewtransition": Annotation.objects.first().transitions.first(),
        "publication": claim.publications.first(),
    }[model]
    page = admin_client.get(f"/admin/annotations/{model}/{record.pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
    assert admin_client.post(f"/admin/annotations/{model}/{record.pk}/delete/", {"post": "yes"}).status_code == 403


def _export(api, user) -> list[dict]:
    response = api(user).get("/api/v1/exports/verdicts.csv")
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# The verdict's change page edits its translations inline: a post that changes none sends an empty formset.
NO_TRANSLATIONS = {"translations-TOTAL_FORMS": "0", "translations-INITIAL_FORMS": "0"}


def test_a_verdict_relabelled_and_rerated_in_the_admin_shows_in_exports_as_in_the_api(
    admin_client, api, editor, reviewer
):
    publish(make_annotation(ClaimFactory(), reviewer, key="false"), editor)
    verdict = Verdict.objects.get(key="false")
    response = admin_client.post(
        f"/admin/annotations/verdict/{verdict.pk}/change/",
        {
            "label": "Wrong",
            "rating_value": "2",
            "colour": verdict.colour,
            "position": verdict.position,
            **NO_TRANSLATIONS,
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row = _export(api, editor)[0]
    scale = {item["key"]: item for item in api(editor).get("/api/v1/verdicts/").json()["results"]}
    assert (row["verdict"], row["rating_value"]) == ("false", "2") == ("false", str(scale["false"]["rating_value"]))
    [record] = [jsonl.record(row) for row in iter_rows(parse_filters({}), connection)]
    assert (
        (record["verdict_label"], record["rating_value"])
        == ("Wrong", 2)
        == (
            scale["false"]["label"],
            scale["false"]["rating_value"],
        )
    )


def test_a_verdicts_key_cannot_be_changed_in_the_admin(admin_client):
    verdict = Verdict.objects.get(key="false")
    admin_client.post(
        f"/admin/annotations/verdict/{verdict.pk}/change/",
        {
            "key": "wrong",
            "label": verdict.label,
            "colour": verdict.colour,
            "position": verdict.position,
            **NO_TRANSLATIONS,
        },
    )
    verdict.refresh_from_db()
    assert verdict.key == "false"
