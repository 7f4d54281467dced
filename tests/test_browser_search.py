"""Search claims across articles and "Checked before?" in the claim panel, in real Chromium."""

import pytest
from playwright.sync_api import expect

from annotations.models import ClaimGroupMember

from .browser_steps import log_in, open_article
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EN_BODY = "The House voted 476 to 151 to ban Kaspersky Lab software from government computers. Rain fell."
IT_BODY = (
    "La Camera ha approvato con 476 voti favorevoli e 151 contrari il divieto del software di Kaspersky Lab "
    "nei computer del governo. <b>Non</b> è un tag."
)


@pytest.fixture
def vote():
    editor = UserFactory(role="editor", username="desk-editor")
    reviewer = UserFactory(role="reviewer", username="desk-reviewer")
    english = ClaimFactory(
        article=ArticleFactory(title="Kaspersky ban (EN)", body=EN_BODY, language="en"),
        exact="The House voted 476 to 151 to ban Kaspersky Lab software from government computers",
    )
    italian = ClaimFactory(
        article=ArticleFactory(title="Divieto Kaspersky (IT)", body=IT_BODY, language="it"),
        exact="La Camera ha approvato con 476 voti favorevoli e 151 contrari il divieto del software di "
        "Kaspersky Lab nei computer del governo",
    )
    publish(make_annotation(italian, reviewer, key="true", rationale="Il voto nominale lo <b>conferma</b>."), editor)
    return {"editor": editor, "reviewer": reviewer, "english": english, "italian": italian}


def test_search_page_finds_claims_in_every_language_with_highlighted_excerpts(open_page, vote):
    page = open_page(vote["reviewer"])
    page.get_by_role("link", name="Search claims").click()

    page.get_by_label("Words to find").fill("Kaspersky")
    page.keyboard.press("Enter")

    results = page.get_by_role("list", name="Search results").get_by_role("listitem")
    expect(results).to_have_count(2)
    expect(page.get_by_role("status")).to_have_text("2 claims found.")
    italian = results.filter(has_text="Divieto Kaspersky (IT)")
    expect(italian.locator("mark")).to_have_text(["Kaspersky"])
    expect(italian.locator(".verdict-chip")).to_have_text("True")

    page.get_by_label("Words to find").fill("confermato")  # the published rationale, stemmed in Italian
    page.get_by_label("Words to find").press("Enter")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark")).to_have_text(["conferma"])
    expect(results.first.locator("b")).to_have_count(0)  # user text is text, never markup

    results.first.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Divieto Kaspersky (IT)")).to_be_visible()


def test_slash_focuses_the_search_box_and_a_blank_search_explains_itself(open_page, vote):
    page = open_page(vote["reviewer"])
    page.goto("/search/")
    page.get_by_role("button", name="Search").focus()
    page.keyboard.press("/")
    expect(page.get_by_label("Words to find")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Enter words to search for.")


def test_checked_before_suggests_the_italian_report_and_links_it_as_the_same_claim(open_page, vote):
    page = open_page(vote["reviewer"])
    open_article(page, vote["english"].article_id, f"?claim={vote['english'].pk}")

    suggestions = page.get_by_role("list", name="Checked before?").get_by_role("listitem")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_contain_text("Divieto Kaspersky (IT)")
    expect(suggestions.first.locator(".verdict-chip")).to_have_text("True")

    suggestions.first.get_by_role("button", name="Same claim").click()

    linked = page.get_by_role("list", name="Same claim elsewhere").get_by_role("listitem")
    expect(linked).to_have_count(1)
    expect(linked.first).to_contain_text("linked by desk-reviewer")
    expect(suggestions).to_have_text(["No similar claims in other articles."])
    assert ClaimGroupMember.objects.filter(claim=vote["italian"]).exists()

    linked.first.get_by_role("button", name="Unlink").click()
    expect(linked).to_have_text(["Not linked to any claim."])
    expect(suggestions.first.get_by_role("button", name="Same claim")).to_be_visible()


def test_viewers_see_suggestions_without_a_same_claim_button(open_page, vote):
    viewer = UserFactory(role="viewer", username="desk-viewer")
    page = open_page()
    log_in(page, viewer.username)
    open_article(page, vote["english"].article_id, f"?claim={vote['english'].pk}")

    suggestions = page.get_by_role("list", name="Checked before?").get_by_role("listitem")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first.get_by_role("button")).to_have_count(0)
