"""The reader in Italian and in Arabic in real Chromium: language and direction, words from the catalogue, no
accessibility violations (axe-core), selection-to-claim in right-to-left text, plurals in the scripts.

Screenshots of the reader in Italian and in Arabic are written to FACTCHECK_SCREENSHOTS (default: /tmp).
"""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotations import people

from .axe import axe_violations
from .browser_steps import open_article
from .factories import PASSWORD, ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("FACTCHECK_SCREENSHOTS", "/tmp"))
ITALIAN = "Nel 2017 sono stati spesi 94mil dollari in pubblicità online, secondo il rapporto annuale."
# Arabic with a Latin name, digits and a flag (two UTF-16 units per code point) before the claim.
ARABIC = (
    "\U0001f1ea\U0001f1fa قال الرئيس التنفيذي لشركة Kaspersky Lab إن 476 نائبًا صوّتوا ضد 151 في البرلمان الأوروبي.\n\n"
    "وأضاف أن الميزانية بلغت 94 مليون دولار في عام 2017."
)
ARABIC_CLAIM = "لشركة Kaspersky Lab إن 476 نائبًا"


def log_in_speaking(page: Page, user, heading: str) -> None:
    """Log in as `user`, whose pages are in their own language (the heading of the article list in it)."""
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def person(language: str):
    user = UserFactory(role="reviewer")
    people.update_profile(user, language=language)
    return user


def test_reader_in_italian_speaks_italian_and_has_no_accessibility_violations(open_page, editor):
    reviewer = person("it")
    article = ArticleFactory(
        title="Pubblicità online",
        body=ITALIAN,
        language="it",
        published_at=datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC),
    )
    claim = ClaimFactory(article=article, exact="sono stati spesi 94mil dollari", claimant="Il rapporto")
    publish(make_annotation(claim, reviewer, key="mostly-false"), editor)
    page = open_page()
    log_in_speaking(page, reviewer, "Articoli")
    open_article(page, article.pk)

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["it", "ltr"]
    expect(page.get_by_role("button", name="Nuova affermazione")).to_be_visible()
    expect(page.locator("#claim-list .verdict-chip")).to_have_text("Quasi falso")
    expect(page.locator(".reader-head .meta")).to_contain_text("4 dic 2026")
    page.screenshot(path=str(SCREENSHOTS / "i23-reader-it.png"), full_page=True)
    assert axe_violations(page) == []


def test_reader_in_arabic_is_mirrored_and_has_no_accessibility_violations(open_page, editor):
    reviewer = person("ar")
    article = ArticleFactory(title="تصويت البرلمان", body=ARABIC, language="ar")
    claim = ClaimFactory(article=article, exact=ARABIC_CLAIM, claimant="Eugene Kaspersky")
    publish(make_annotation(claim, reviewer, key="false"), editor)
    page = open_page()
    log_in_speaking(page, reviewer, "المقالات")
    open_article(page, article.pk)

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    body = page.locator("#article-body")
    assert (body.get_attribute("lang"), body.get_attribute("dir")) == ("ar", "rtl")
    assert body.evaluate("(node) => getComputedStyle(node).direction") == "rtl"
    expect(page.get_by_role("button", name="ادعاء جديد")).to_be_visible()
    expect(page.locator("#claim-list .verdict-chip")).to_have_text("زائف")
    # The interface mirrors: the claim panel sits left of the article, as the reader reads right to left.
    assert page.locator("#panel").bounding_box()["x"] < body.bounding_box()["x"]
    page.screenshot(path=str(SCREENSHOTS / "i23-reader-ar.png"), full_page=True)
    assert axe_violations(page) == []


def test_selecting_arabic_text_with_latin_and_digits_makes_a_claim_at_the_apis_offsets(open_page, api):
    reviewer = person("ar")
    article = ArticleFactory(title="تصويت البرلمان", body=ARABIC, language="ar")
    page = open_page()
    log_in_speaking(page, reviewer, "المقالات")
    open_article(page, article.pk)

    # A selection made in the page (logical order, as the browser keeps it whatever the display order).
    page.evaluate(
        """(exact) => {
            const body = document.getElementById("article-body");
            const node = body.firstChild;
            const start = node.data.indexOf(exact);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + exact.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        ARABIC_CLAIM,
    )
    page.get_by_role("button", name="ادعاء جديد").click()
    page.get_by_label("صاحب الادعاء").fill("Eugene Kaspersky")
    page.get_by_role("button", name="إنشاء الادعاء").click()
    expect(page.locator("#claim-quote")).to_have_text(ARABIC_CLAIM)

    (claim,) = api(reviewer).get(f"/api/v1/articles/{article.pk}/claims/").json()["results"]
    start = ARABIC.index(ARABIC_CLAIM)
    assert len(ARABIC[:start].encode("utf-16-le")) // 2 > start  # the flag: more UTF-16 units than code points
    assert (claim["start"], claim["end"], claim["exact"]) == (start, start + len(ARABIC_CLAIM), ARABIC_CLAIM)


@pytest.mark.parametrize(
    ("language", "heading", "button", "one", "two"),
    [
        ("en", "Articles", "Search", "1 claim found.", "2 claims found."),
        ("it", "Articoli", "Cerca", "1 affermazione trovata.", "2 affermazioni trovate."),
        ("ar", "المقالات", "بحث", "عُثر على ادعاء واحد.", "عُثر على ادعاءين."),
    ],
)
def test_search_counts_claims_with_the_languages_plural_forms(open_page, language, heading, button, one, two):
    reviewer = person(language)
    ClaimFactory(article=ArticleFactory(body="The budget grew by ten percent in 2017."), exact="budget grew")
    ClaimFactory(article=ArticleFactory(body="Tram lines and the budget were approved."), exact="the budget")
    page = open_page()
    log_in_speaking(page, reviewer, heading)
    page.goto("/search/")
    expect(page.locator("html[data-ready=true]")).to_have_count(1)

    page.locator("#search-q").fill("grew")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#search-message")).to_have_text(one)
    page.locator("#search-q").fill("budget")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#search-message")).to_have_text(two)


def test_scripts_write_dates_in_the_pages_language(open_page):
    reviewer = person("it")
    article = ArticleFactory(body=ITALIAN, language="it")
    ClaimFactory(article=article, exact="sono stati spesi", claim_date=datetime.date(2026, 12, 4))
    page = open_page()
    log_in_speaking(page, reviewer, "Articoli")
    open_article(page, article.pk)
    page.locator("#claim-list .claim-item").first.click()
    expect(page.locator("#claim-date")).to_have_text("4 dic 2026")
    script = "async () => (await import('/static/annotations/js/dom.js')).formatNumber(1234.5)"
    assert page.evaluate(script) == "1.234,5"
