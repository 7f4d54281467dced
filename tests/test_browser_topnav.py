"""The top navigation in real Chromium: an editor's eight links (the most anyone has) in one row at 1280 px,
in English and in German (long labels), and on a phone wrapping between links without scrolling sideways.

Screenshots of the header go to test-artifacts/topnav/ (not committed).
"""

import pytest
from playwright.sync_api import Page, expect

from annotations import comments, people

from .browser_fixtures import ARTIFACTS, DESKTOP, PHONE
from .browser_steps import log_in
from .factories import ClaimFactory, UserFactory

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_LINKS = 8
# The article list's heading, which the person sees on logging in, in each language tested.
LANGUAGES = [("en", "Articles"), ("de", "Artikel")]
SHOTS = ARTIFACTS / "topnav"


def editor_speaking(language: str):
    """An editor whose pages are in `language`, with an unread notification: the widest header there is."""
    editor = UserFactory(role="editor", username="editor")
    people.update_profile(editor, language=language)
    comments.add_comment(ClaimFactory(), author=UserFactory(role="reviewer"), body="@editor have a look")
    return editor


def navigation_links(page: Page):
    links = page.locator("header").get_by_role("navigation").get_by_role("link")
    expect(links).to_have_count(EDITOR_LINKS)
    return links.all()


def lines_of(link) -> int:
    """How many lines the link's label is set on."""
    return link.evaluate(
        """(link) => {
            const range = document.createRange();
            range.selectNodeContents(link);
            return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
        }"""
    )


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("header").screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize(("language", "articles"), LANGUAGES)
def test_an_editors_navigation_is_one_row_at_1280_wide(open_page, language, articles):
    editor = editor_speaking(language)
    page = open_page(viewport=DESKTOP)
    log_in(page, editor.username, articles=articles)
    links = navigation_links(page)
    assert len({round(link.bounding_box()["y"]) for link in links}) == 1
    assert [lines_of(link) for link in links] == [1] * EDITOR_LINKS
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    shoot(page, f"desktop-{language}.png")


@pytest.mark.parametrize(("language", "articles"), LANGUAGES)
def test_an_editors_navigation_wraps_between_links_on_a_phone(open_page, language, articles):
    editor = editor_speaking(language)
    page = open_page(viewport=PHONE)
    log_in(page, editor.username, articles=articles)
    for link in navigation_links(page):
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert lines_of(link) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, f"phone-{language}.png")
