"""The exports page names its links by what they download and its rows by format and filters (issue 26, item 7)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import ExportJob

from .axe import axe_violations
from .factories import UserFactory

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finished_job(user, export_format, rows, filters, finished_at):
    return ExportJob.objects.create(
        created_by=user,
        format=export_format,
        filters=filters,
        status=ExportJob.Status.SUCCEEDED,
        row_count=rows,
        rows_done=rows,
        rows_total=rows,
        file="unused.csv",
        finished_at=finished_at,
        expires_at=finished_at + datetime.timedelta(days=1),
    )


@pytest.fixture
def exports_page(open_page):
    editor = UserFactory(role="editor")
    at = timezone.now().replace(second=5, microsecond=0)
    finished_job(editor, "csv", 7, {"language": "it", "excel": "1"}, at)
    finished_job(editor, "csv", 7, {"language": "it", "excel": "1"}, at + datetime.timedelta(seconds=20))
    finished_job(editor, "evidence", 12, {"language": "it"}, at)
    finished_job(editor, "claimreview", 3, {}, at)
    page = open_page(editor)
    page.goto("/exports/")
    expect(page.locator("#export-jobs a")).to_have_count(4)
    return page


def test_every_download_link_has_its_own_name(exports_page):
    names = exports_page.locator("#export-jobs a").all_text_contents()
    assert len(set(names)) == 4, names


def test_a_download_link_names_the_format_and_the_row_count(exports_page):
    expect(exports_page.get_by_role("link", name="Download evidence CSV (12 rows,")).to_have_count(1)
    expect(exports_page.get_by_role("link", name="Download ClaimReview JSON-LD (3 rows,")).to_have_count(1)


def test_a_jobs_row_says_its_filters(exports_page):
    row = exports_page.get_by_role("row").filter(has_text="ClaimReview JSON-LD")
    expect(row).to_contain_text("all published verdicts")
    evidence = exports_page.get_by_role("row").filter(has_text="evidence CSV")
    expect(evidence).to_contain_text("language: it")


def test_the_exports_page_has_no_accessibility_violations(exports_page):
    assert axe_violations(exports_page, tags=None) == []
