"""Prior fact-checks in "Checked before?" of the claim panel, in real Chromium."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, PriorFactCheck
from annotations.priors.importing import import_items

from .browser_steps import open_article
from .factories import ArticleFactory, ClaimFactory, UserFactory, verdict
from .test_prior_api import EN_BODY, ITALIAN_VOTE_REVIEW, VOTE

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checked():
    reviewer = UserFactory(role="reviewer", username="desk-reviewer")
    claim = ClaimFactory(article=ArticleFactory(title="Kaspersky ban", body=EN_BODY, language="en"), exact=VOTE)
    import_items([(1, ITALIAN_VOTE_REVIEW)], source_kind="file", source="test")
    PriorFactCheck.objects.update(verdict=verdict("false"))
    return {"reviewer": reviewer, "claim": claim}


def test_a_prior_fact_check_shows_its_publisher_ratings_and_link_and_links_as_a_draft(open_page, checked):
    page = open_page(checked["reviewer"])
    open_article(page, checked["claim"].article_id, f"?claim={checked['claim'].pk}")

    suggestions = page.get_by_role("list", name="Checked before?").get_by_role("listitem")
    expect(suggestions).to_have_count(1)
    # The fact-check's date in the page's language (English here), not as the feed writes it.
    expect(suggestions.first).to_contain_text("Pagella Example rated it “Falso”, May 2, 2023")
    expect(suggestions.first.locator(".verdict-chip")).to_have_text("False")
    expect(suggestions.first.get_by_role("link")).to_have_attribute("href", ITALIAN_VOTE_REVIEW["url"])
    expect(suggestions.first).to_contain_text("Kaspersky")

    suggestions.first.get_by_role("button", name="Checked by this fact-check").click()

    expect(page.locator("#match-message")).to_have_text(
        "Linked. A draft verdict was pre-filled from the mapped rating: confirm it before submitting."
    )
    linked = page.get_by_role("list", name="Same claim elsewhere").locator(".prior-link")
    expect(linked).to_contain_text("Checked by")
    annotation = Annotation.objects.get(claim=checked["claim"])
    assert (annotation.status, annotation.versions.get().verdict.key) == ("draft", "false")


def test_the_search_page_ranks_prior_fact_checks_among_the_claims_when_asked(open_page, checked):
    page = open_page(checked["reviewer"])
    page.goto("/search/?q=Kaspersky&include=prior")

    results = page.get_by_role("list", name="Search results").get_by_role("listitem")
    expect(results).to_have_count(2)
    expect(page.locator("#search-message")).to_have_text("2 results found, prior fact-checks included.")
    prior = results.filter(has_text="Prior fact-check")
    expect(prior).to_contain_text("Pagella Example rated it “Falso”")
    expect(prior.locator(".verdict-chip")).to_have_text("False")
    expect(prior.get_by_role("link")).to_have_attribute("href", ITALIAN_VOTE_REVIEW["url"])
    expect(prior.locator("mark")).to_have_text("Kaspersky")

    page.get_by_label("Include prior fact-checks").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(results).to_have_count(1)
    expect(page.locator("#search-message")).to_have_text("1 claim found.")
    expect(results.first).to_contain_text("Kaspersky ban")
