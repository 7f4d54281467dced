"""UTF-16 in the browser, code points in the API: selections after characters made of several
UTF-16 units and several code points (a flag, a skin-tone modifier, a ZWJ family)."""

import pytest
from playwright.sync_api import expect

from .browser_steps import open_article, select_text
from .factories import ArticleFactory, UserFactory

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Reactions: \U0001f1ee\U0001f1f9 flag, \U0001f44d\U0001f3fd thumbs, "
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 family.\n\n"
    "Nel 2017 sono stati spesi 94mil dollari in pubblicit\u00e0."
)


@pytest.mark.parametrize("exact", ["flag", "thumbs", "family", "sono stati spesi 94mil dollari"])
def test_selection_after_multi_unit_characters_gets_code_point_offsets(open_page, api, exact):
    reviewer = UserFactory(role="reviewer")
    article = ArticleFactory(body=BODY, language="it")
    page = open_page(reviewer)
    open_article(page, article.pk)

    select_text(page, exact)
    page.get_by_role("button", name="New claim").click()
    page.get_by_label("Claimant").fill("Somebody")
    page.get_by_role("button", name="Create claim").click()
    expect(page.locator("#claim-quote")).to_have_text(exact)

    (claim,) = api(reviewer).get(f"/api/v1/articles/{article.pk}/claims/").json()["results"]
    start = BODY.index(exact)
    assert len(BODY[:start].encode("utf-16-le")) // 2 > start  # the browser counted more units before it
    assert (claim["start"], claim["end"], claim["exact"]) == (start, start + len(exact), exact)
