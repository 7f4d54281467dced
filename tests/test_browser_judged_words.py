"""A verdict never outlives its words, in real Chromium: editing and fetching the text again, an editor's
decision on changed words, a claim marked with the keyboard alone, and axe-core on the reader and dashboard."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.articles import add_revision, create_article
from annotations.fetching.extraction import extract_article
from annotations.models import Annotation, Claim

from .axe import axe_violations
from .browser_fixtures import DESKTOP
from .browser_steps import log_in, open_article
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish
from .test_fetching import ALLOWED, NEWS_HTML, _free_site

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    'Lawmakers said Kaspersky has "been confirmed as malicious" by the agency.\n\n'
    "The vote was 476 to 151 in favour of the ban.\n\n"
    "The ban took effect in December."
)
NEGATED = BODY.replace('has "been', 'has "not been')
QUOTE = 'Kaspersky has "been confirmed as malicious"'


@pytest.fixture
def axe_page(browser, live_server, request):
    """A logged-in page whose context lets the test inject axe-core (the app's CSP refuses inline scripts)."""
    contexts = []
    request.node.browser_pages = []

    def open_(user):
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        request.node.browser_pages.append(page)
        log_in(page, user.username)
        return page

    yield open_
    for context in contexts:
        context.close()


def published_claim_on_changed_words(reviewer, editor):
    article = ArticleFactory(body=BODY, title="Kaspersky vote")
    claim = ClaimFactory(article=article, exact=QUOTE, claimant="Lawmakers")
    publish(make_annotation(claim, reviewer, key="false", rationale="Not confirmed."), editor)
    add_revision(article, NEGATED, source="typed", created_by=editor)
    return article, claim


def test_edit_text_saves_a_revision_and_shows_what_happened_to_the_claims(open_page):
    editor = UserFactory(role="editor")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, exact="The ban took effect in December")
    page = open_page(editor)
    open_article(page, article.pk)

    page.get_by_role("button", name="Edit text").click()
    page.get_by_label("New text of the article").fill("Correction appended.\n\n" + BODY)
    page.get_by_label("Revision note").fill("Added the correction line.")
    page.get_by_role("button", name="Save as a new revision").click()

    expect(page.locator("#revision-shown")).to_contain_text("Revision 2 of 2")
    expect(page.locator("#revision-summary")).to_contain_text(
        "Revision 2: 0 claims stayed, 1 moved, 0 need review, 0 orphaned. Note: Added the correction line."
    )


def test_fetch_again_of_an_unchanged_page_says_so_and_adds_no_revision(open_page, settings, celery_workers):
    site = _free_site("127.0.0.2")
    try:
        settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED}
        celery_workers(FACTCHECK_FETCH_ALLOW_HOSTS=",".join(ALLOWED))
        url = site.page("/tram")
        extracted = extract_article(NEWS_HTML, url)
        article = create_article(title=extracted.title, body=extracted.body, url=url, language="en")
        editor = UserFactory(role="editor")
        page = open_page(editor)
        open_article(page, article.pk)

        page.get_by_role("button", name="Fetch again").click()

        expect(page.locator("#revise-status")).to_have_text(
            "The page has not changed since the newest revision: no revision was added.", timeout=60_000
        )
        assert article.revisions.count() == 1
    finally:
        site.close()


def test_fetch_again_of_a_changed_page_opens_the_new_revision_with_its_summary(open_page, settings, celery_workers):
    site = _free_site("127.0.0.2")
    try:
        settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED}
        celery_workers(FACTCHECK_FETCH_ALLOW_HOSTS=",".join(ALLOWED))
        url = site.page("/tram")
        extracted = extract_article(NEWS_HTML, url)
        article = create_article(
            title=extracted.title, body=extracted.body + "\n\nAn old line.", url=url, language="en"
        )
        editor = UserFactory(role="editor")
        page = open_page(editor)
        open_article(page, article.pk)

        page.get_by_role("button", name="Fetch again").click()

        expect(page.locator("#revision-shown")).to_contain_text("Revision 2 of 2", timeout=60_000)
        expect(page.locator("#revision-summary")).to_contain_text("Revision 2: 0 claims stayed")
    finally:
        site.close()


def test_reader_shows_the_judged_and_the_current_words_side_by_side(open_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    article, claim = published_claim_on_changed_words(reviewer, editor)
    page = open_page(editor)
    open_article(page, article.pk)

    item = page.get_by_role("listitem", name=f"Claim {claim.pk}: changed since approval")
    expect(item.locator("blockquote.judged")).to_have_text(QUOTE)
    expect(item.locator("blockquote.current")).to_have_text('Kaspersky has "not been confirmed as malicious"')
    expect(item).to_contain_text("Approved as False on these words")
    listed = page.locator("#claim-list").get_by_role("button", name=re.compile("not been confirmed"))
    expect(listed).to_contain_text("changed since approval")
    Path(__file__).resolve().parent.parent.joinpath("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(Path(__file__).resolve().parent.parent / "test-artifacts" / "changed-claim.png"))


def test_editor_decides_the_verdict_still_holds(open_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    article, claim = published_claim_on_changed_words(reviewer, editor)
    page = open_page(editor)
    open_article(page, article.pk)

    page.get_by_role("button", name=f"Confirm claim {claim.pk}").click()
    expect(page.get_by_role("group", name=re.compile("The verdict “False” was written on"))).to_be_visible()
    page.get_by_label("Decision note").fill("Same claim either way.")
    page.get_by_role("button", name="Verdict still holds").click()

    expect(page.get_by_role("listitem", name=re.compile(f"Claim {claim.pk}"))).to_have_count(0)
    claim.refresh_from_db()
    assert claim.words_changed is None


def test_editor_reopens_the_verdict_for_its_reviewer(open_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    article, claim = published_claim_on_changed_words(reviewer, editor)
    page = open_page(editor)
    open_article(page, article.pk)

    page.get_by_role("button", name=f"Confirm claim {claim.pk}").click()
    page.get_by_label("Decision note").fill("The sentence now says the opposite.")
    page.get_by_role("button", name="Re-open").click()

    expect(page.get_by_role("listitem", name=re.compile(f"Claim {claim.pk}"))).to_contain_text("changed since approval")
    expect(page.get_by_role("button", name="Verdict still holds")).to_be_hidden()
    assert Annotation.objects.get(claim=claim).status == "rejected"


def test_a_claim_marked_with_the_keyboard_alone_gets_a_verdict(open_page):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body="The vote was 476 to 151 in favour of the ban. It took effect in December.")
    page = open_page(reviewer)
    open_article(page, article.pk)

    page.locator("body").focus()
    for _ in range(30):  # Tab until the article text has the focus, as a person would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "article-body":
            break
    expect(page.get_by_role("textbox", name="Article text")).to_be_focused()
    page.keyboard.press("Control+Home")
    for _ in range(4):
        page.keyboard.press("Control+Shift+ArrowRight")  # "The vote was 476"
    expect(page.locator("#selection-announce")).to_contain_text("characters selected: “The vote was 476")
    page.keyboard.press("n")
    page.get_by_label("Claimant").fill("The clerk")
    page.keyboard.press("Enter")

    expect(page.locator("#claim-quote")).to_contain_text("The vote was 476")
    page.get_by_role("radio", name="True", exact=True).check()
    page.get_by_label("Confidence").fill("70")
    page.keyboard.press("Control+s")
    expect(page.locator("#form-message")).to_have_text("Saved version 1.")
    claim = Claim.objects.get(article=article)
    assert claim.exact.startswith("The vote was 476")
    assert claim.annotations.get().version == 1


def test_the_shortcuts_list_names_keyboard_selection(open_page):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=BODY)
    page = open_page(reviewer)
    open_article(page, article.pk)
    page.get_by_role("button", name="Shortcuts").click()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_contain_text("Shift+arrows select")


def test_evidence_stance_is_chosen_by_the_person_and_saving_without_says_so(open_page):
    reviewer = UserFactory(role="reviewer")
    claim = ClaimFactory()
    page = open_page(reviewer)
    open_article(page, claim.article_id, f"?claim={claim.pk}")
    page.get_by_role("radio", name="False", exact=True).check()
    page.get_by_role("button", name="Add evidence").click()
    evidence = page.locator("#evidence-list li").first
    evidence.get_by_label("URL").fill("https://council.example.org/minutes")
    expect(evidence.get_by_label("Stance")).to_have_value("")
    page.get_by_role("button", name="Save").click()
    expect(evidence.locator(".field-error").last).to_have_text(
        "Choose the evidence's stance: supports, refutes or context."
    )
    assert not claim.annotations.exists()


def test_the_chip_and_published_verdict_show_the_approval_at_once(open_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    claim = ClaimFactory()
    annotation = make_annotation(claim, reviewer, key="false")
    from annotations import review

    review.submit(annotation, actor=reviewer)
    page = open_page(editor)
    open_article(page, claim.article_id, f"?claim={claim.pk}&annotation={annotation.pk}")
    # The refetch of the claim never answers: what shows the approval must not wait for it (the timeouts
    # below only bound the approval's own request on a loaded machine).
    page.route(f"**/api/v1/claims/{claim.pk}/", lambda route: None)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#claim-published")).to_have_text("False", timeout=5_000)
    expect(page.locator(f'#claim-list .claim-item[data-claim="{claim.pk}"] .verdict-chip')).to_have_text(
        "False", timeout=5_000
    )


def test_the_reader_with_a_changed_claim_has_no_axe_violations(axe_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    article, claim = published_claim_on_changed_words(reviewer, editor)
    page = axe_page(editor)
    open_article(page, article.pk, f"?claim={claim.pk}")
    page.get_by_role("button", name=f"Confirm claim {claim.pk}").click()
    assert axe_violations(page) == []


def test_the_dashboard_has_no_axe_violations(axe_page):
    reviewer, editor = UserFactory(role="reviewer"), UserFactory(role="editor")
    for key in ("unproven", "false"):
        claim = ClaimFactory(article=ArticleFactory(body=f"Claim {key} here."), exact=f"Claim {key}")
        publish(make_annotation(claim, reviewer, key=key), editor)
    page = axe_page(editor)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Daily throughput")).to_be_visible()
    assert axe_violations(page) == []
