"""The editors' dashboard in real Chromium: charts named for assistive technology, tables equal to the API."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .browser_fixtures import ARTIFACTS
from .desk_fixtures import EXPECTED_BACKLOG, EXPECTED_VERDICTS, build_desk
from .factories import UserFactory

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = (
    "Published verdicts by verdict",
    "Daily throughput: annotations started and approvals per day",
    "Reviewers' work: annotations started, submitted, approved and rejected, and claims assigned, open and overdue",
    "Backlog: claims nobody annotated, drafts never submitted, annotations waiting for an editor, claims to check "
    "after a revision and overdue assignments",
)


def _watch_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _open_dashboard(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def _table(page, name: str) -> list[list[str]]:
    """The body rows of the table named `name`, cell texts (header cell first)."""
    rows = page.get_by_role("table", name=name, exact=True).locator("tbody tr")
    return [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in rows.all()]


def test_dashboard_draws_named_charts_whose_tables_equal_the_api(open_page):
    desk = build_desk()
    page = open_page(desk.editor)
    errors = _watch_errors(page)
    _open_dashboard(page)

    for name in (*CHARTS, "Agreement between reviewers: alpha 0.000"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    api = page.request.get("/api/v1/stats/").json()
    verdict_labels = {row["label"]: row["verdict"] for row in api["verdicts"]}
    shown = {verdict_labels[label]: int(count) for label, count in _table(page, "Published verdicts")}
    assert shown == {row["verdict"]: row["count"] for row in api["verdicts"]} == EXPECTED_VERDICTS
    columns = ("annotations", "submitted", "approved", "rejected", "assigned", "open", "overdue")
    reviewers = [[r["reviewer"], *(str(r[k]) for k in columns)] for r in api["reviewers"]]
    assert _table(page, "Reviewers' work") == reviewers
    daily = {row["date"]: [str(row["annotated"]), str(row["published"])] for row in api["daily"]}
    rows = page.get_by_role("table", name="Daily throughput", exact=True).locator("tbody tr")
    for row in rows.all():
        day = row.locator("time").get_attribute("datetime")
        assert row.locator("td").all_inner_texts() == daily.pop(day)
    assert daily == {}
    backlog = page.get_by_role("table", name="Backlog", exact=True)
    for figure, value in EXPECTED_BACKLOG.items():
        assert backlog.locator(f'[data-figure="{figure}"]').inner_text() == str(value) == str(api["backlog"][figure])
    # The verdict bars carry the scale's colours (from the generated stylesheet, not inline styles).
    fill = page.locator('svg .chart-bar[data-series="true"]').evaluate("bar => getComputedStyle(bar).fill")
    assert fill == "rgb(46, 125, 50)"
    assert errors == []


def test_date_range_control_narrows_the_figures(open_page):
    desk = build_desk()
    page = open_page(desk.editor)
    _open_dashboard(page)
    page.get_by_label("From date").fill("2020-01-01")
    page.get_by_label("To date").fill("2020-01-07")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No verdicts published in this range.")).to_be_visible()
    assert len(_table(page, "Daily throughput")) == 7
    expect(page.get_by_role("img", name=CHARTS[3])).to_be_visible()  # the backlog is now, whatever the range


def test_empty_desk_says_so_instead_of_drawing_empty_charts(open_page):
    editor = UserFactory(role="editor")
    page = open_page(editor)
    errors = _watch_errors(page)
    _open_dashboard(page)
    expect(page.get_by_text("No verdicts published in this range.")).to_be_visible()
    expect(page.get_by_text("Nothing was annotated or approved in this range.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(0)
    assert errors == []


def test_dashboard_with_the_demo_data_screenshot(open_page):
    call_command("seed_demo", stdout=io.StringIO())
    editor = UserFactory(role="editor", username="screenshot-editor")
    page = open_page(editor)
    errors = _watch_errors(page)
    _open_dashboard(page)
    expect(page.get_by_role("img", name=CHARTS[0])).to_be_visible()
    api = page.request.get("/api/v1/stats/").json()
    total = page.get_by_role("table", name="Published verdicts", exact=True).locator("tfoot td").inner_text()
    assert int(total) == api["totals"]["published"] > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-demo.png"), full_page=True)
    assert errors == []
