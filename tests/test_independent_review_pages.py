"""The pages of independent review: the refused page, the viewer's reader, who may approve in the queue,
the review rules on the dashboard, and the editors' audit page."""

import pytest

from annotations import articles, audit, review

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db


def test_a_refused_page_has_the_sites_layout_says_why_and_links_back(browser_client, reviewer):
    response = browser_client(reviewer).get("/dashboard/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in page
    assert "The dashboard is for editors." in page
    assert 'href="/"' in page and "Back to the articles" in page


def test_the_viewers_reader_has_no_claims_to_check_box_or_orphan_labels(browser_client, viewer, editor):
    article = ArticleFactory(body="The council voted 31 to 12. The mayor said the project is fully funded.")
    ClaimFactory(article=article, exact="fully funded")
    articles.update_article(article, edited_by=editor, body="The council voted 31 to 12.")
    page = browser_client(viewer).get(f"/articles/{article.pk}/").content.decode()
    assert "Claims to check" not in page
    assert "Orphaned" not in page


def test_the_reviewers_reader_keeps_the_claims_to_check_box(browser_client, reviewer, editor):
    article = ArticleFactory(body="The council voted 31 to 12. The mayor said the project is fully funded.")
    ClaimFactory(article=article, exact="fully funded")
    articles.update_article(article, edited_by=editor, body="The council voted 31 to 12.")
    assert "Claims to check" in browser_client(reviewer).get(f"/articles/{article.pk}/").content.decode()


def test_the_review_queue_says_which_editors_may_approve(browser_client, editor):
    other = UserFactory(role="editor", username="erin")
    own = make_annotation(ClaimFactory(), editor)
    review.submit(own, actor=editor)
    page = browser_client(other).get("/review/").content.decode()
    row = page[page.index("data-may-approve") :].split("</td>")[0]
    assert "erin" in row and editor.username not in row


def test_the_dashboard_shows_whether_four_eyes_is_on(browser_client, editor, settings):
    assert "On: nobody approves" in browser_client(editor).get("/dashboard/").content.decode()
    settings.FACTCHECK = {**settings.FACTCHECK, "FOUR_EYES": False}
    assert "Off: an editor may approve" in browser_client(editor).get("/dashboard/").content.decode()


def test_the_audit_page_filters_by_kind(browser_client, editor, reviewer):
    annotation = make_annotation(ClaimFactory(), reviewer)
    review.submit(annotation, actor=reviewer)
    page = browser_client(editor).get("/audit/", {"kind": "submitted"}).content.decode()
    assert page.count("<tr data-event=") == 1
    assert reviewer.username in page


def test_the_audit_page_pages_by_keyset(browser_client, editor):
    for number in range(55):
        audit.record("export_run", actor=editor, data={"n": number})
    client = browser_client(editor)
    first = client.get("/audit/", {"kind": "export_run"})
    assert first.content.decode().count("<tr data-event=") == 50
    older = first.content.decode().split('rel="next"')[0].rsplit('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/audit/?{older}").content.decode()
    assert second.count("<tr data-event=") == 5


def test_a_bad_filter_on_the_audit_page_is_explained(browser_client, editor):
    response = browser_client(editor).get("/audit/", {"claim": "seven"})
    assert response.status_code == 400
    assert "Expected an id" in response.content.decode()


def test_the_audit_page_is_for_editors(browser_client, reviewer):
    assert browser_client(reviewer).get("/audit/").status_code == 403
