"""Body revisions: a new text is a new immutable revision and every claim is re-anchored with it,
never moved silently to the wrong place; annotations and published verdicts are untouched."""

import pytest
from django.db import IntegrityError, InternalError, transaction

from annotations.articles import add_revision
from annotations.claims import create_claim
from annotations.models import Annotation, AnnotationVersion, ArticleRevision, Claim, ClaimAnchor

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"

BODY = (
    "The council met on Tuesday evening.\n\n"
    "The council voted 31 to 12 to extend the tram line. The mayor said the project is fully funded.\n\n"
    "Critics said the budget is too high. The budget is too high, said the opposition leader as well.\n\n"
    "Work starts in May and ends in 2029."
)


def edit(api, editor, article, body):
    return api(editor).patch(f"{ARTICLES}{article.pk}/", {"body": body}, format="json")


def claim_on(article, exact, **context):
    return ClaimFactory(article=article, exact=exact, **context)


@pytest.fixture
def article():
    return ArticleFactory(body=BODY)


def test_article_starts_with_revision_1_holding_its_body(article):
    (revision,) = article.revisions.all()
    assert (revision.number, revision.source, revision.body) == (1, "typed", BODY)
    assert len(revision.sha256) == 64


def test_new_body_adds_a_revision_and_reports_it(api, editor, article):
    response = edit(api, editor, article, BODY + "\n\nUpdated at 10:00.")
    assert response.status_code == 200
    assert response.json()["revision"] == 2
    listing = api(editor).get(f"{ARTICLES}{article.pk}/revisions/").json()["results"]
    shown = [(r["number"], r["source"], r["created_by"]) for r in listing]
    assert shown == [(1, "typed", None), (2, "typed", "editor")]
    assert listing[1]["length"] == len(BODY) + len("\n\nUpdated at 10:00.")
    old = api(editor).get(f"{ARTICLES}{article.pk}/revisions/1/").json()
    assert old["body"] == BODY


def test_saving_the_same_text_adds_no_revision(api, editor, article):
    response = edit(api, editor, article, BODY)
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert response.json()["reanchored"] is None
    assert article.revisions.count() == 1


def test_missing_revision_number_is_404(api, viewer, article):
    assert api(viewer).get(f"{ARTICLES}{article.pk}/revisions/9/").status_code == 404


def test_inserted_paragraph_before_claims_moves_them(api, editor, article):
    claim = claim_on(article, "voted 31 to 12")
    body = "UPDATE: the vote was confirmed by the clerk.\n\n" + BODY
    response = edit(api, editor, article, body)
    assert response.json()["reanchored"] == {"exact": 0, "moved": 1, "fuzzy": 0, "orphaned": 0, "needs_review": 0}
    claim.refresh_from_db()
    assert body[claim.start : claim.end] == "voted 31 to 12"
    assert (claim.anchor_status, claim.anchor_revision, claim.needs_review) == ("moved", 2, False)


def test_edit_after_a_claim_keeps_it_exact(api, editor, article):
    claim = claim_on(article, "voted 31 to 12")
    edit(api, editor, article, BODY.replace("in May", "in June"))
    claim.refresh_from_db()
    assert claim.anchor_status == "exact"


def test_lightly_edited_sentence_is_found_fuzzily_with_a_score(api, editor, article):
    claim = claim_on(article, "The mayor said the project is fully funded.")
    body = BODY.replace("the project is fully funded.", "the project is fully funded by the region.")
    response = edit(api, editor, article, body)
    assert response.json()["reanchored"]["fuzzy"] == 1
    data = api(editor).get(f"/api/v1/claims/{claim.pk}/").json()
    assert data["anchor"]["status"] == "fuzzy"
    assert data["anchor"]["revision"] == 2
    assert 0.6 <= data["anchor"]["score"] < 1
    assert data["exact"] == "The mayor said the project is fully funded by the region."
    assert body[data["start"] : data["end"]] == data["exact"]


def test_a_changed_figure_is_never_trusted_without_review(api, editor, article):
    claim = claim_on(article, "voted 31 to 12")
    edit(api, editor, article, BODY.replace("voted 31 to 12", "voted 30 to 13"))
    claim.refresh_from_db()
    assert claim.anchor_status == "fuzzy"
    assert claim.exact == "voted 30 to 13"
    assert claim.needs_review is True


def test_repeated_phrase_stays_on_its_own_occurrence(api, editor, article):
    second = BODY.index("The budget is too high")
    claim = create_claim(article, [{"type": "TextPositionSelector", "start": second + 4, "end": second + 22}])
    assert claim.exact == "budget is too high"
    body = "A new first line.\n\n" + BODY.replace("Critics said", "Several critics said")
    edit(api, editor, article, body)
    claim.refresh_from_db()
    assert claim.anchor_status == "moved"
    assert claim.start == body.index("The budget is too high") + 4
    assert body[claim.start : claim.end] == "budget is too high"


def test_deleted_paragraph_orphans_its_claim_and_keeps_its_last_quote(api, editor, reviewer, article):
    claim = claim_on(article, "Critics said the budget is too high.")
    before = (claim.start, claim.end, claim.exact)
    body = BODY.replace(
        "Critics said the budget is too high. The budget is too high, said the opposition leader as well.\n\n", ""
    )
    response = edit(api, editor, article, body)
    assert response.json()["reanchored"]["orphaned"] == 1
    claim.refresh_from_db()
    assert claim.anchor_status == "orphaned"
    assert (claim.start, claim.end, claim.exact) == before
    assert claim.anchor_revision == 2


def test_whole_rewrite_orphans_every_claim(api, editor, article):
    claims = [claim_on(article, "voted 31 to 12"), claim_on(article, "ends in 2029")]
    response = edit(api, editor, article, "An entirely different story about a harbour festival and its fireworks.")
    assert response.json()["reanchored"] == {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 2, "needs_review": 0}
    assert {c.anchor_status for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {"orphaned"}


def test_annotations_and_published_verdict_are_untouched_by_reanchoring(api, editor, reviewer, article):
    claim = claim_on(article, "Critics said the budget is too high.")
    annotation = publish(make_annotation(claim, reviewer, key="false", rationale="The budget fell."), editor)
    versions = list(AnnotationVersion.objects.filter(annotation=annotation).values())
    edit(api, editor, article, "Nothing of the old text remains here at all, not one sentence.")
    claim.refresh_from_db()
    assert claim.anchor_status == "orphaned"
    assert claim.published_version_id == versions[-1]["id"]
    assert Annotation.objects.get(pk=annotation.pk).status == "approved"
    assert list(AnnotationVersion.objects.filter(annotation=annotation).values()) == versions


def test_export_row_of_an_anchored_claim_is_unchanged_by_a_moving_revision(api, editor, reviewer, article):
    claim = claim_on(article, "voted 31 to 12")
    publish(make_annotation(claim, reviewer, key="false"), editor)
    before = b"".join(api(editor).get("/api/v1/exports/verdicts.csv").streaming_content)
    edit(api, editor, article, "Editor's note: corrected.\n\n" + BODY)
    after = b"".join(api(editor).get("/api/v1/exports/verdicts.csv").streaming_content)
    assert after == before


def test_each_revision_records_where_each_claim_pointed(api, editor, article):
    claim = claim_on(article, "voted 31 to 12")
    edit(api, editor, article, "Intro.\n\n" + BODY)
    edit(api, editor, article, "Intro.\n\n" + BODY.replace("voted 31 to 12", "") + " More.")
    history = list(ClaimAnchor.objects.filter(claim=claim).order_by("id").values_list("revision__number", "status"))
    assert history == [(1, "exact"), (2, "moved"), (3, "orphaned")]


def test_orphaned_claim_is_reattached_by_selector_as_manual(api, editor, article):
    claim = claim_on(article, "Critics said the budget is too high.")
    body = "The opposition questioned the spending plan. Work starts in May."
    edit(api, editor, article, body)
    response = api(editor).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"selector": [{"type": "TextQuoteSelector", "exact": "questioned the spending plan"}]},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["anchor"] == {"status": "manual", "revision": 2, "score": None, "needs_review": False}
    assert data["exact"] == "questioned the spending plan"


def test_reattaching_to_text_not_in_the_body_names_the_field(api, editor, article):
    claim = claim_on(article, "voted 31 to 12")
    response = api(editor).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"selector": [{"type": "TextQuoteSelector", "exact": "no such words"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "selector.exact" in response.json()
    claim.refresh_from_db()
    assert claim.anchor_status == "exact"


def test_revisions_are_append_only_in_the_database(article):
    revision = article.revisions.get()
    with pytest.raises(InternalError, match=r"append_only_rows"), transaction.atomic():
        ArticleRevision.objects.filter(pk=revision.pk).update(body="tampered")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRevision.objects.create(
            article=article, number=1, source="typed", body="x", sha256="0" * 64, created_at=revision.created_at
        )


def test_deleting_an_unannotated_article_takes_its_revisions_along(api, editor, article):
    claim_on(article, "voted 31 to 12")
    edit(api, editor, article, "Intro.\n\n" + BODY)
    assert api(editor).delete(f"{ARTICLES}{article.pk}/").status_code == 204
    assert not ArticleRevision.objects.filter(article_id=article.pk).exists()


def test_service_reanchors_within_the_revision_transaction(article):
    claim_on(article, "voted 31 to 12")
    result = add_revision(article, "Intro.\n\n" + BODY, source="imported")
    assert result.created and result.revision.number == 2 and result.revision.source == "imported"
    assert result.reanchored["moved"] == 1


def test_imported_articles_record_their_first_revision_as_imported(api, editor):
    payload = [{"title": "Imported", "body": "Imported text.", "language": "en"}]
    response = api(editor).post(f"{ARTICLES}import/", payload, format="json")
    (article_id,) = response.json()["ids"]
    assert ArticleRevision.objects.get(article_id=article_id).source == "imported"


def test_reader_page_lists_orphaned_claims_and_does_not_highlight_them(client, editor, article):
    kept = claim_on(article, "voted 31 to 12")
    lost = claim_on(article, "Critics said the budget is too high.")
    add_revision(article, "The council voted 31 to 12 to extend the tram line.", source="typed")
    client.force_login(editor)
    response = client.get(f"/articles/{article.pk}/")
    assert [c["id"] for c in response.context["to_check"]] == [lost.pk]
    assert [c["id"] for c in response.context["page_data"]["claims"]] == [kept.pk]
    assert response.context["current_revision"].number == 2


def test_reader_shows_an_older_revision_and_the_changes(client, editor, article):
    add_revision(article, BODY.replace("in May", "in June"), source="typed")
    client.force_login(editor)
    older = client.get(f"/articles/{article.pk}/?revision=1")
    assert older.context["text"] == BODY
    changes = client.get(f"/articles/{article.pk}/?from=1&to=2").context["changes"]
    assert [(c.kind, c.text) for c in changes if c.kind != "same"] == [("removed", "May"), ("added", "June")]


def test_a_claim_may_move_onto_the_old_place_of_a_claim_orphaned_in_the_same_revision(api, editor):
    article = ArticleFactory(body="Alpha is red. Bravo is big.")
    moving = claim_on(article, "Bravo is big.")  # the lower id: its row is written first
    lost = claim_on(article, "Alpha is red.")
    response = edit(api, editor, article, "Bravo is big.")
    assert response.status_code == 200
    moving.refresh_from_db()
    lost.refresh_from_db()
    assert (moving.anchor_status, moving.start, moving.end) == ("moved", 0, 13)
    assert (lost.anchor_status, lost.start, lost.end) == ("orphaned", 0, 13)
