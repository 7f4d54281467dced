"""The desk as a team in real Chromium: assigning from the reader, My work, a discussion, notifications,
and the dashboard on a phone. Each new page is checked with axe-core (tests/vendor/axe.min.js)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from annotations import assignments, comments, review

from .axe import axe_violations
from .browser_fixtures import ARTIFACTS, PHONE
from .browser_steps import open_article
from .factories import PASSWORD, ClaimFactory, UserFactory, make_annotation

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for the closing note, beside the failure screenshots (test-artifacts/, not committed).
SHOTS = ARTIFACTS / "team"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
def desk(db):
    editor = UserFactory(role="editor", username="editor")
    reviewer = UserFactory(role="reviewer", username="reviewer")
    claim = ClaimFactory(claimant="City council")
    ClaimFactory(article=claim.article, exact="fully funded", claimant="The mayor")
    return editor, reviewer, claim


def test_an_editor_assigns_a_claim_from_the_reader_and_it_is_in_the_reviewers_work(open_page, desk):
    editor, reviewer, claim = desk
    page = open_page(editor)
    open_article(page, claim.article_id)
    assign = page.get_by_role("region", name="Assign claims")
    assign.get_by_label("voted 31 to 12").check()
    assign.get_by_label("Reviewers").select_option("reviewer")
    assign.get_by_label("Due date (optional)").fill("2030-01-31")
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status").filter(has_text="1 assignment made.")).to_be_visible()
    expect(page.locator("#claim-list").get_by_text("Assigned: reviewer")).to_be_visible()

    work = open_page(reviewer)
    work.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    row = work.get_by_role("row").filter(has_text="voted 31 to 12")
    expect(row).to_contain_text("31 Jan 2030")
    expect(row).to_contain_text("not started")
    assert axe_violations(work) == []
    shoot(work, "my-work.png")


def test_a_reviewer_has_nothing_to_assign_and_a_viewer_no_discussion(open_page, desk):
    _, reviewer, claim = desk
    viewer = UserFactory(role="viewer", username="viewer")
    page = open_page(reviewer)
    open_article(page, claim.article_id, f"?claim={claim.pk}")
    expect(page.get_by_role("region", name="Discussion")).to_be_visible()
    expect(page.get_by_role("region", name="Assign claims")).to_have_count(0)
    page = open_page(viewer)
    open_article(page, claim.article_id, f"?claim={claim.pk}")
    expect(page.get_by_role("heading", name="Discussion")).to_have_count(0)
    expect(page.get_by_role("link", name="My work")).to_have_count(0)


def test_a_discussion_renders_markdown_lite_and_keeps_script_inert(open_page, desk):
    editor, _reviewer, claim = desk
    page = open_page(editor)
    open_article(page, claim.article_id, f"?claim={claim.pk}")
    discussion = page.get_by_role("region", name="Discussion")
    body = discussion.get_by_role("textbox", name="Message")
    body.fill('**Check** the [minutes](https://example.org/m) <img src=x onerror="window.__xss=1"> ')
    body.press_sequentially("@rev")
    discussion.get_by_role("button", name="Mention reviewer").click()
    discussion.get_by_role("button", name="Post comment").click()
    comment = discussion.locator(".comment").first
    expect(comment.locator("strong", has_text="Check")).to_be_visible()
    expect(comment.get_by_role("link", name="minutes")).to_have_attribute("href", "https://example.org/m")
    expect(comment.locator(".mention", has_text="@reviewer")).to_be_visible()
    expect(comment.locator("img")).to_have_count(0)
    assert page.evaluate("window.__xss") is None

    page.get_by_role("button", name="Reply to editor").click()
    body.fill("> the minutes\n\nAgreed.")
    discussion.get_by_role("button", name="Post comment").click()
    expect(discussion.locator(".comment-replies blockquote")).to_have_text("the minutes")
    assert axe_violations(page, "#discussion") == []
    shoot(page, "discussion.png")


def test_a_username_with_markup_is_shown_as_text(open_page, desk):
    editor, _, claim = desk
    # Django's form validators refuse such a name; an account made another way (admin, LDAP) might not.
    odd = get_user_model().objects.create_user("<img src=x onerror=window.__xss=1>", password=PASSWORD)
    odd.groups.add(Group.objects.get(name="editor"))
    comments.add_comment(claim, author=odd, body="hello")
    page = open_page(editor)
    open_article(page, claim.article_id, f"?claim={claim.pk}")
    expect(page.locator(".comment-author")).to_have_text("<img src=x onerror=window.__xss=1>")
    assert page.locator("#discussion img").count() == 0 and page.evaluate("window.__xss") is None


def test_a_reviewer_reads_notifications_and_they_are_marked_read(open_page, desk):
    editor, reviewer, claim = desk
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
    annotation = make_annotation(claim, reviewer)
    review.submit(annotation, actor=reviewer)
    review.reject(annotation, actor=editor)
    page = open_page(reviewer)
    link = page.get_by_role("link", name="Notifications 2 unread")
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="editor rejected your verdict")).to_contain_text("New")
    assert axe_violations(page) == []
    shoot(page, "notifications.png")
    page.reload()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.get_by_role("link", name="editor asked you to check").click()
    expect(page.locator("html[data-ready=true]")).to_have_count(1)
    expect(page.get_by_role("region", name="Discussion")).to_be_visible()


def test_the_preferences_page_switches_email_off(open_page, desk):
    _, reviewer, _ = desk
    page = open_page(reviewer)
    page.get_by_role("link", name="reviewer").click()
    page.get_by_label("Email me my notifications").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Email me my notifications")).not_to_be_checked()
    assert axe_violations(page) == []


def test_the_dashboard_fits_a_phone_without_scrolling_sideways(open_page, desk):
    editor, _reviewer, claim = desk
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk])
    page = open_page(editor, viewport=PHONE)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > limit + 0.5 && !e.closest(".table-scroll, .table"))
            .map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))""",
        PHONE["width"],
    )
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for svg in page.locator("svg.chart-svg").all():
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    region = page.get_by_role("region", name="Reviewers' work, table")
    region.focus()
    expect(region).to_be_focused()
    shoot(page, "dashboard-phone.png")
