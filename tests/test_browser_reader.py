"""The article reader in real Chromium: logging in, marking claims by selection, verdicts, conflicts,
history, review and keyboard use."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations import versioning
from annotations.models import Annotation, AnnotationVersion, Article

from .browser_steps import open_article, select_text
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, verdict

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMOJI_BODY = (
    "Opposition leader Tom Reyes \U0001f68b called the plan \u201ca \u20ac180 million gamble\u201d.\n\n"
    "He claimed that ridership has fallen every year since 2019."
)


def claim_button(page, text):
    return page.locator("#claim-list").get_by_role("button", name=re.compile(re.escape(text)))


def test_logging_in_shows_the_article_list_with_claim_counts(open_page):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(title="Council votes on the tram")
    ClaimFactory(article=article)

    page = open_page(reviewer)

    row = page.get_by_role("row", name=re.compile("Council votes on the tram"))
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_claim_selected_after_an_emoji_gets_code_point_offsets(open_page, api):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=EMOJI_BODY)
    page = open_page(reviewer)
    open_article(page, article.pk)

    select_text(page, "called the plan")
    page.get_by_role("button", name="New claim").click()
    page.get_by_label("Claimant").fill("Tom Reyes")
    page.get_by_label("Claim date").fill("2026-03-14")
    page.get_by_role("button", name="Create claim").click()

    expect(page.locator("#claim-quote")).to_have_text("called the plan")
    expect(page.locator("#article-body span.hl")).to_have_text("called the plan")
    (claim,) = api(reviewer).get(f"/api/v1/articles/{article.pk}/claims/").json()["results"]
    start = EMOJI_BODY.index("called the plan")
    assert (claim["start"], claim["end"], claim["exact"]) == (start, start + len("called the plan"), "called the plan")
    assert (claim["claimant"], claim["claim_date"]) == ("Tom Reyes", "2026-03-14")


def test_claim_selected_across_paragraphs_keeps_the_line_break(open_page, api):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=EMOJI_BODY)
    exact = "gamble\u201d.\n\nHe claimed"
    page = open_page(reviewer)
    open_article(page, article.pk)

    select_text(page, exact)
    page.keyboard.press("n")
    page.get_by_label("Claimant").fill("Tom Reyes")
    page.get_by_role("button", name="Create claim").click()

    expect(claim_button(page, "gamble")).to_be_visible()
    (claim,) = api(reviewer).get(f"/api/v1/articles/{article.pk}/claims/").json()["results"]
    assert (claim["start"], claim["exact"]) == (EMOJI_BODY.index(exact), exact)


def test_verdict_with_evidence_is_saved(open_page, api):
    reviewer = UserFactory(role="reviewer")
    claim = ClaimFactory()
    page = open_page(reviewer)
    open_article(page, claim.article_id)

    claim_button(page, "voted 31 to 12").click()
    page.get_by_role("radio", name="Mostly true").check()
    page.get_by_label("Confidence").fill("85")
    page.get_by_label("Rationale").fill("The minutes record 31 votes for and 12 against.")
    page.get_by_role("button", name="Add evidence").click()
    evidence = page.locator("#evidence-list li").first
    evidence.get_by_label("URL").fill("https://council.example.org/minutes/2026-03-10")
    evidence.get_by_label("Title").fill("Council minutes, 10 March")
    evidence.get_by_label("Stance").select_option("supports")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#form-message")).to_have_text("Saved version 1.")
    (saved,) = api(reviewer).get(f"/api/v1/annotations/?claim={claim.pk}").json()["results"]
    assert (saved["verdict"], saved["confidence"], saved["version"]) == ("mostly-true", 85, 1)
    assert saved["rationale"] == "The minutes record 31 votes for and 12 against."
    assert [(e["url"], e["title"], e["stance"]) for e in saved["evidence"]] == [
        ("https://council.example.org/minutes/2026-03-10", "Council minutes, 10 March", "supports")
    ]


def test_second_writer_sees_the_conflict_and_keeps_their_text(open_page, api):
    reviewer = UserFactory(role="reviewer")
    editor = UserFactory(role="editor")
    claim = ClaimFactory()
    annotation = make_annotation(claim, reviewer, key="true", rationale="First take.")
    reviewer_page, editor_page = open_page(reviewer), open_page(editor)
    open_article(reviewer_page, claim.article_id, f"?claim={claim.pk}")
    open_article(editor_page, claim.article_id, f"?claim={claim.pk}&annotation={annotation.pk}")
    expect(editor_page.get_by_label("Rationale")).to_have_value("First take.")
    expect(reviewer_page.get_by_label("Rationale")).to_have_value("First take.")

    reviewer_page.get_by_label("Rationale").fill("The reviewer's reasoning.")
    reviewer_page.get_by_role("button", name="Save").click()
    expect(reviewer_page.locator("#form-message")).to_have_text("Saved version 2.")
    editor_page.get_by_label("Rationale").fill("The editor's reasoning.")
    editor_page.get_by_role("button", name="Save").click()

    conflict = editor_page.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else saved first")
    expect(conflict).to_contain_text("The reviewer's reasoning.")
    expect(editor_page.get_by_label("Rationale")).to_have_value("The editor's reasoning.")
    editor_page.get_by_role("button", name="Re-apply my edits").click()
    editor_page.get_by_role("button", name="Save").click()
    expect(editor_page.locator("#form-message")).to_have_text("Saved version 3.")
    current = api(editor).get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (current["version"], current["rationale"]) == (3, "The editor's reasoning.")


def test_history_shows_a_diff_and_restores_a_version(open_page, api):
    reviewer = UserFactory(role="reviewer")
    claim = ClaimFactory()
    annotation = make_annotation(claim, reviewer, key="false", rationale="Too few votes.")
    versioning.append_version(
        annotation, based_on=1, author=reviewer, verdict=verdict("true"), rationale="Minutes confirm it.",
        change_note="Read the minutes.",
    )  # fmt: skip
    page = open_page(reviewer)
    open_article(page, claim.article_id, f"?claim={claim.pk}")

    page.get_by_role("button", name="History").click()
    expect(page.locator("#version-list")).to_contain_text("Read the minutes.")
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Show diff").click()
    verdict_row = page.locator("#diff-table").get_by_role("row", name=re.compile("^Verdict"))
    expect(verdict_row).to_contain_text("False")
    expect(verdict_row).to_contain_text("True")
    page.get_by_role("button", name="Restore version 1").click()

    expect(page.locator("#form-message")).to_have_text("Restored version 1 as version 3.")
    expect(page.get_by_role("radio", name="False", exact=True)).to_be_checked()
    current = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (current["version"], current["verdict"], current["rationale"]) == (3, "false", "Too few votes.")


def test_reviewer_submits_and_editor_approves_from_the_queue(open_page, api):
    reviewer = UserFactory(role="reviewer")
    editor = UserFactory(role="editor")
    claim = ClaimFactory()
    annotation = make_annotation(claim, reviewer, key="true")
    reviewer_page = open_page(reviewer)
    open_article(reviewer_page, claim.article_id, f"?claim={claim.pk}")

    reviewer_page.get_by_role("button", name="Submit for review").click()
    expect(reviewer_page.locator("#form-message")).to_have_text("Submitted for review.")
    editor_page = open_page(editor)
    editor_page.get_by_role("link", name="Review queue").click()
    editor_page.get_by_role("link", name="voted 31 to 12").click()
    editor_page.get_by_label("Comment").fill("Matches the minutes.")
    editor_page.get_by_role("button", name="Approve").click()

    expect(editor_page.locator("#review-message")).to_have_text("Approved.")
    expect(editor_page.locator('#article-body span.hl[data-verdict="true"]')).to_have_text("voted 31 to 12")
    assert Annotation.objects.get(pk=annotation.pk).status == "approved"
    transitions = api(editor).get(f"/api/v1/annotations/{annotation.pk}/transitions/").json()["results"]
    assert [(t["to_status"], t["comment"]) for t in transitions] == [
        ("submitted", ""),
        ("approved", "Matches the minutes."),
    ]


def test_script_in_an_evidence_title_and_non_http_urls_stay_inert(open_page, api):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    hostile = "<script>window.pwned = true</script><img src=x onerror=window.pwned=true>"
    # Rows written directly (as old or imported data might be), past every validation of URLs.
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(1)")
    annotation = Annotation.objects.create(claim=claim, reviewer=reviewer, version=1)
    AnnotationVersion.objects.create(
        annotation=annotation, number=1, verdict=verdict("false"), confidence=60, author=reviewer,
        created_at=timezone.now(),
        evidence=[
            {"url": "https://example.org/report", "title": hostile, "stance": "refutes"},
            {"url": "javascript:window.pwned=true", "title": "Click me", "stance": "context"},
        ],
    )  # fmt: skip
    page = open_page(reviewer)
    open_article(page, article.pk, f"?claim={claim.pk}")

    cards = page.locator("#annotation-cards")
    expect(cards.get_by_role("link", name=hostile)).to_have_attribute("href", "https://example.org/report")
    expect(cards).to_contain_text("Click me")
    assert page.locator("a[href^='javascript']").count() == 0
    # The markup arrived as text: no element was made of it (CSP would stop it running, not being built).
    assert cards.locator("script, img").count() == 0
    assert page.locator("main img, main script:not([type='application/json'])").count() == 0
    evidence = page.locator("#evidence-list li").nth(1)
    evidence.get_by_label("URL").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    expect(evidence.get_by_text("Use an http:// or https:// address.")).to_be_visible()
    refused = api(reviewer).patch(
        f"/api/v1/annotations/{annotation.pk}/",
        {"evidence": [{"url": "javascript:alert(1)", "stance": "refutes"}]},
        HTTP_IF_MATCH='"1"',
    )
    assert refused.status_code == 400
    assert any(field.startswith("evidence") for field in refused.json())


def test_keyboard_picks_a_claim_and_a_verdict_and_saves(open_page, api):
    reviewer = UserFactory(role="reviewer")
    claim = ClaimFactory()
    page = open_page(reviewer)
    open_article(page, claim.article_id)

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(page.locator("#claim-quote")).to_have_text("voted 31 to 12")
    expect(page.get_by_role("radiogroup", name="Verdict")).to_be_visible()
    page.keyboard.press("5")
    page.keyboard.press("Control+s")

    expect(page.locator("#form-message")).to_have_text("Saved version 1.")
    assert api(reviewer).get(f"/api/v1/annotations/?claim={claim.pk}").json()["results"][0]["verdict"] == "false"


def test_narrow_window_stacks_the_panel_under_the_text(open_page):
    reviewer = UserFactory(role="reviewer")
    claim = ClaimFactory()
    page = open_page(reviewer, viewport={"width": 390, "height": 800})
    open_article(page, claim.article_id)

    claim_button(page, "voted 31 to 12").click()

    verdicts = page.get_by_role("radiogroup", name="Verdict")
    verdicts.scroll_into_view_if_needed()
    expect(verdicts).to_be_in_viewport()
    body_box, panel_box = page.locator("#article-body").bounding_box(), page.locator("#claim-panel").bounding_box()
    assert panel_box["y"] >= body_box["y"] + body_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
