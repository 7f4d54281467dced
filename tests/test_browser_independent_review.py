"""Independent review in real Chromium: the warning before editing the published verdict, four eyes in
the panel, the audit page (with axe-core), the viewer's reader and the refused page."""

import re

import pytest
from playwright.sync_api import expect

from annotations import audit, review

from .axe import axe_violations
from .browser_steps import open_article
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_the_published_verdict_says_first_that_it_needs_approval_again(open_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    chief = UserFactory(role="editor", username="chief")
    annotation = publish(make_annotation(ClaimFactory(), reviewer, key="false"), editor)
    page = open_page(chief)
    open_article(page, annotation.claim.article_id, f"?claim={annotation.claim_id}&annotation={annotation.pk}")

    note = page.get_by_role("note").filter(has_text="published verdict")
    expect(note).to_be_visible()
    expect(note).to_contain_text("needs approval again")
    expect(note).to_contain_text("version 1 stays published until then")


def test_a_reviewer_sees_their_submitted_verdict_frozen(open_page):
    reviewer = UserFactory(role="reviewer")
    annotation = make_annotation(ClaimFactory(), reviewer)
    review.submit(annotation, actor=reviewer)
    page = open_page(reviewer)
    open_article(page, annotation.claim.article_id, f"?claim={annotation.claim_id}")

    expect(page.get_by_role("note").filter(has_text="frozen")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_disabled()


def test_four_eyes_the_panel_names_who_else_may_approve(open_page):
    editor = UserFactory(role="editor", username="ed")
    UserFactory(role="editor", username="erin")
    annotation = make_annotation(ClaimFactory(), editor)
    review.submit(annotation, actor=editor)
    page = open_page(editor)
    open_article(page, annotation.claim.article_id, f"?claim={annotation.claim_id}&annotation={annotation.pk}")

    expect(page.locator("#four-eyes-note")).to_contain_text("another editor must approve it: erin")
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()


def test_the_audit_page_filters_and_has_no_accessibility_violations(open_page):
    editor = UserFactory(role="editor")
    reviewer = UserFactory(role="reviewer", username="rita")
    review.submit(make_annotation(ClaimFactory(), reviewer), actor=reviewer)
    audit.record("export_run", actor=editor, data={"format": "csv"})
    page = open_page(editor)
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Kind").select_option(label="Submitted")
    page.get_by_role("button", name="Show").click()

    rows = page.get_by_role("region", name="Events").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("rita")
    assert axe_violations(page) == []


def test_the_viewers_reader_shows_no_workflow(open_page):
    viewer = UserFactory(role="viewer")
    article = ArticleFactory()
    ClaimFactory(article=article)
    page = open_page(viewer)
    open_article(page, article.pk)

    expect(page.get_by_role("button", name="New claim")).to_have_count(0)
    expect(page.get_by_text("Claims to check")).to_have_count(0)
    expect(page.get_by_text(re.compile("appear once you submit yours"))).to_be_hidden()


def test_a_refused_page_says_why_and_links_back(open_page):
    page = open_page(UserFactory(role="reviewer"))
    page.goto("/dashboard/")

    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_text("The dashboard is for editors.")).to_be_visible()
    page.get_by_role("link", name="Back to the articles").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
