"""The exports page in real Chromium, with a real Celery worker running the job."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_steps import log_in
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 30


def test_export_shows_live_progress_and_offers_the_file(open_page, celery_workers):
    editor = UserFactory(role="editor")
    reviewer = UserFactory(role="reviewer")
    words = [f"claim{n}x" for n in range(ROWS)]
    article = ArticleFactory(body=" ".join(words))
    for word in words:
        publish(make_annotation(ClaimFactory(article=article, exact=word), reviewer, key="mixed"), editor)
    # Slow enough (0.1 s a row, progress reported every 0.2 s) for the page to show rows being done.
    celery_workers(FACTCHECK_TEST_ROW_DELAY=0.1, FACTCHECK_EXPORT_PROGRESS_SECONDS=0.2)
    page = open_page()
    log_in(page, editor.username)
    page.get_by_role("link", name="Exports").click()
    page.wait_for_url("**/exports/")  # on a busy machine the click's navigation can still be under way
    page.evaluate(
        """() => {
            window.seenProgress = [];
            new MutationObserver(() => {
                for (const bar of document.querySelectorAll("#export-jobs progress")) {
                    window.seenProgress.push(bar.getAttribute("aria-valuetext"));
                }
            }).observe(document.querySelector("#export-jobs tbody"), {childList: true, subtree: true});
        }"""
    )

    page.get_by_label("Format").select_option("csv")
    page.get_by_role("button", name="Export").click()

    progress = page.get_by_role("progressbar", name="Export progress (CSV)")
    expect(progress).to_have_attribute("aria-valuetext", f"100% ({ROWS} of {ROWS} rows)", timeout=30_000)
    seen = page.evaluate("window.seenProgress")
    assert any(re.match(r"([1-9]|[1-9]\d)% ", value) for value in seen), seen
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(row["claim_text"] for row in rows) == sorted(words)
    assert {row["verdict"] for row in rows} == {"mixed"}
