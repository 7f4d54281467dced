"""What a person does in the browser tests: log in, open an article, select text with the mouse."""

from playwright.sync_api import Page, expect

from .factories import PASSWORD


def log_in(page: Page, username: str, password: str = PASSWORD, articles: str = "Articles") -> None:
    """Log in on the (English) login page; `articles` is the article list's heading in the person's language."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=articles)).to_be_visible()


def open_article(page: Page, article_id: int, query: str = "") -> None:
    page.goto(f"/articles/{article_id}/{query}")
    expect(page.locator("html[data-ready=true]")).to_have_count(1)


def select_text(page: Page, exact: str) -> None:
    """Select `exact` in the article body with a mouse drag, as a person would."""
    box = page.evaluate(
        """(exact) => {
            const body = document.getElementById("article-body");
            const text = body.textContent;
            const start = text.indexOf(exact);
            if (start < 0) throw new Error("not in the body: " + exact);
            const end = start + exact.length;
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            const point = (offset, after) => {
                let seen = 0;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (offset < seen + node.data.length || (after && offset === seen + node.data.length)) {
                        return [node, offset - seen];
                    }
                    seen += node.data.length;
                }
            };
            const rectOf = (offset, after) => {
                walker.currentNode = body;
                const [node, local] = point(offset, after);
                const range = document.createRange();
                range.setStart(node, after ? local - 1 : local);
                range.setEnd(node, after ? local : local + 1);
                const rects = range.getClientRects();
                return rects[after ? rects.length - 1 : 0];
            };
            document.getElementById("article-body").scrollIntoView({block: "start"});
            const first = rectOf(start, false);
            const last = rectOf(end, true);
            return {
                x1: first.left + 1, y1: first.top + first.height / 2,
                x2: last.right - 1, y2: last.top + last.height / 2,
            };
        }""",
        exact,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()
