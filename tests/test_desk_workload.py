"""The dashboard's assigned work and daily questions: named for what they count."""

import datetime

import pytest
from django.utils import timezone

from annotations import assignments, review
from annotations.articles import add_revision
from tests.factories import ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"


def test_reviewers_show_assigned_open_and_overdue_work(api, editor, reviewer):
    first = ClaimFactory()
    second = ClaimFactory(article=first.article, exact="fully funded")
    past = timezone.now() - datetime.timedelta(hours=1)
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[first.pk, second.pk], due=past)
    review.submit(make_annotation(first, reviewer), actor=reviewer)
    row = next(r for r in api(editor).get(STATS).json()["reviewers"] if r["reviewer"] == "reviewer")
    assert (row["assigned"], row["open"], row["overdue"]) == (2, 1, 1)


def test_the_backlog_counts_overdue_assignments(api, editor, reviewer):
    claim = ClaimFactory()
    assignments.assign(actor=editor, reviewers=["reviewer"], claims=[claim.pk], due=timezone.now())
    assert api(editor).get(STATS).json()["backlog"]["overdue_assignments"] == 1


def test_the_backlog_counts_drafts_never_submitted_apart_from_claims_nobody_annotated(api, editor, reviewer):
    claim = ClaimFactory()
    ClaimFactory(article=claim.article, exact="fully funded")
    make_annotation(claim, reviewer)
    backlog = api(editor).get(STATS).json()["backlog"]
    assert (backlog["drafts_never_submitted"], backlog["unannotated_claims"]) == (1, 1)


def test_the_backlog_counts_claims_to_check_after_a_revision(api, editor):
    claim = ClaimFactory()
    add_revision(claim.article, "An entirely different text.", source="typed", created_by=editor)
    assert api(editor).get(STATS).json()["backlog"]["claims_needing_review"] == 1


def test_the_dashboard_names_what_each_backlog_figure_counts(browser_client, editor):
    page = browser_client(editor).get("/dashboard/").content.decode()
    for label in ("Claims nobody has annotated yet", "Drafts never submitted", "Claims to check after a revision"):
        assert label in page


def test_the_article_list_names_its_count_for_what_it_counts(browser_client, editor):
    ClaimFactory()
    page = browser_client(editor).get("/").content.decode()
    assert "Claims without a published verdict" in page and ">Unreviewed<" not in page
