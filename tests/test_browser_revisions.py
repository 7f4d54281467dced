"""Revisions and fetching in real Chromium: add an article by URL with progress or a reason in words;
read the revision shown, an older one and the changes; re-attach and confirm claims the text moved under.

Where a test waits for something (a heading, an answer from the server), it then asserts that very
state where it is kept: the article and its fetch job, the claim's anchor in the database."""

import re

import pytest
from playwright.sync_api import expect

from annotations.articles import add_revision
from annotations.models import Article, Claim, FetchJob

from .browser_steps import open_article, select_text
from .factories import ArticleFactory, ClaimFactory, UserFactory
from .test_fetching import ALLOWED, _free_site

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The council voted 31 to 12 on Tuesday to extend the tram line.\n\n"
    "Critics said the budget is too high for six kilometres.\n\n"
    "Work starts in May."
)


def _claim_saved(claim):
    """The reader's PATCH of `claim` (its answer arrives after the transaction committed)."""
    return lambda response: response.request.method == "PATCH" and response.url.endswith(f"/claims/{claim.pk}/")


@pytest.fixture
def news_site():
    site = _free_site("127.0.0.2")
    yield site
    site.close()


def test_add_article_by_url_shows_progress_and_opens_the_article(open_page, settings, news_site, celery_workers):
    settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED}
    celery_workers(FACTCHECK_FETCH_ALLOW_HOSTS=",".join(ALLOWED))
    editor = UserFactory(role="editor")
    page = open_page(editor)
    page.goto("/articles/add/")
    page.get_by_label("Article URL").fill(news_site.page("/tram"))
    page.get_by_role("button", name="Fetch article").click()
    expect(page.get_by_role("progressbar", name="Fetching the article")).to_be_visible()
    expect(page.get_by_role("heading", name="Council approves tram extension after late-night vote")).to_be_visible(
        timeout=60_000
    )
    expect(page.locator("#revision-shown")).to_contain_text("Revision 1 of 1")
    article = Article.objects.get(title="Council approves tram extension after late-night vote")
    assert page.url.endswith(f"/articles/{article.pk}/")
    assert FetchJob.objects.get(article=article).status == "succeeded"
    assert article.revisions.count() == 1


def test_add_article_by_a_private_address_says_why_in_words(open_page):
    editor = UserFactory(role="editor")
    page = open_page(editor)
    page.goto("/articles/add/")
    page.get_by_label("Article URL").fill("http://127.0.0.9:8299/admin")
    page.get_by_role("button", name="Fetch article").click()
    expect(page.get_by_role("alert")).to_have_text("the address 127.0.0.9 is private")
    assert not FetchJob.objects.exists() and not Article.objects.exists()  # refused before any job


def test_reader_shows_the_revision_an_older_one_and_the_changes(open_page):
    editor = UserFactory(role="editor")
    article = ArticleFactory(body=BODY)
    add_revision(article, BODY.replace("in May", "in June"), source="typed", created_by=editor)
    page = open_page(editor)
    open_article(page, article.pk)
    expect(page.locator("#revision-shown")).to_contain_text("Revision 2 of 2")

    page.get_by_label("Show revision").select_option("1")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name="Text of revision 1")).to_be_visible()
    expect(page.locator("#revision-text")).to_contain_text("Work starts in May.")

    page.get_by_label("From revision").select_option("1")
    page.get_by_label("To revision").select_option("2")
    page.get_by_role("button", name="Show changes").click()
    expect(page.locator("#revision-diff del")).to_have_text("May")
    expect(page.locator("#revision-diff ins")).to_have_text("June")


def test_orphaned_claim_is_listed_and_reattached_by_selecting_text(open_page):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=BODY)
    claim = ClaimFactory(article=article, exact="the budget is too high", created_by=reviewer)
    add_revision(article, "The council voted 31 to 12.\n\nOpponents called the plan too costly.", source="typed")
    assert Claim.objects.get(pk=claim.pk).anchor_status == "orphaned"

    page = open_page(reviewer)
    open_article(page, article.pk)
    item = page.get_by_role("listitem", name=f"Claim {claim.pk}")
    expect(item).to_contain_text("Orphaned")
    select_text(page, "called the plan too costly")
    with page.expect_response(_claim_saved(claim)) as saved:
        item.get_by_role("button", name=f"Re-attach claim {claim.pk}").click()
    assert saved.value.status == 200
    expect(page.get_by_role("listitem", name=f"Claim {claim.pk}")).to_have_count(0)
    expect(page.locator(f'#article-body [data-claim="{claim.pk}"]').first).to_have_text(
        re.compile("called the plan too costly")
    )
    claim.refresh_from_db()
    assert (claim.anchor_status, claim.exact) == ("manual", "called the plan too costly")


def test_claim_found_by_similarity_is_confirmed(open_page):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=BODY)
    claim = ClaimFactory(article=article, exact="voted 31 to 12", created_by=reviewer)
    add_revision(article, BODY.replace("voted 31 to 12", "voted 30 to 13"), source="typed")
    page = open_page(reviewer)
    open_article(page, article.pk)
    item = page.get_by_role("listitem", name=f"Claim {claim.pk}")
    expect(item).to_contain_text("needs review")
    with page.expect_response(_claim_saved(claim)) as saved:
        item.get_by_role("button", name=f"Confirm claim {claim.pk}").click()
    assert saved.value.status == 200
    expect(page.get_by_role("listitem", name=f"Claim {claim.pk}")).to_have_count(0)
    # The answer came after the commit: the claim is confirmed where it was found, no longer to review.
    claim.refresh_from_db()
    assert (claim.anchor_status, claim.needs_review, claim.exact) == ("manual", False, "voted 30 to 13")
