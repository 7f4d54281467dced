"""Accessibility checks in the browser tests: axe-core (vendored, tests/vendor/axe.min.js) run in a page."""

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page, selector: str | None = None, *, tags: list[str] | None = TAGS) -> list[dict]:
    """The WCAG 2.x A and AA violations of the page, or of the element `selector` (`tags=None`: every
    rule axe has, best practices too), each {"id", "help", "targets"}. Injected through the DevTools
    protocol (page.evaluate), so the pages' script-src 'self' policy stays as it is."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    return page.evaluate(
        """async ([tags, selector]) => {
            const options = tags ? {runOnly: {type: "tag", values: tags}} : {};
            const result = await axe.run(selector ? document.querySelector(selector) : document, options);
            return result.violations.map((v) => ({
                id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        [tags, selector],
    )
