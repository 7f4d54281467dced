"""Browser test fixtures: one headless Debian Chromium per session, a logged-in page per user.

Loaded by the browser test modules through `pytest_plugins`. A failing browser
test leaves a screenshot of every page it opened under test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from .browser_steps import log_in

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for number, page in enumerate(getattr(item, "browser_pages", [])):
            if page.is_closed():
                continue
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{number}.png"), full_page=True)
            except Exception as error:  # a screenshot must never hide the real failure
                item.add_report_section("call", "screenshot", f"could not save: {error}")
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, request):
    """open_page(user=None, viewport=DESKTOP) -> a Page in a fresh context, logged in as `user` if given."""
    contexts = []
    request.node.browser_pages = []

    def open_(user=None, viewport=DESKTOP) -> Page:
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        request.node.browser_pages.append(page)
        if user is not None:
            log_in(page, user.username)
        return page

    yield open_
    for context in contexts:
        context.close()
