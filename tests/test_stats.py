"""The desk's figures: GET /api/v1/stats/, the counters behind it, the dashboard page and desk_report."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations import articles, claims, derived, review
from annotations.agreement import nominal_alpha
from annotations.desk import figures as stats
from annotations.models import BacklogTally, DailyTally, PairedClaim

from .desk_fixtures import (
    EXPECTED_ANNOTATED_TODAY,
    EXPECTED_APPROVALS_TODAY,
    EXPECTED_BACKLOG,
    EXPECTED_REVIEWERS,
    EXPECTED_VERDICTS,
    NO_ASSIGNED_WORK,
    build_desk,
)
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"


def today() -> str:
    return timezone.now().astimezone(datetime.UTC).date().isoformat()


@pytest.fixture
def desk(db):
    return build_desk()


def _get(api, user, **params):
    response = api(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


# ---------------------------------------------------------------- exact figures


def test_published_verdicts_count_what_stands_after_rejections_withdrawals_and_replacements(api, desk):
    body = _get(api, desk.editor)
    assert {row["verdict"]: row["count"] for row in body["verdicts"]} == EXPECTED_VERDICTS
    assert [row["verdict"] for row in body["verdicts"]] == list(EXPECTED_VERDICTS)  # the scale's order
    assert body["totals"]["published"] == 4


def test_reviewers_work_counts_every_submission_approval_and_rejection(api, desk):
    assert _get(api, desk.editor)["reviewers"] == EXPECTED_REVIEWERS


def test_daily_series_counts_annotations_started_and_approvals_made_today(api, desk):
    daily = _get(api, desk.editor)["daily"]
    assert len(daily) == stats.DEFAULT_DAYS
    assert daily[-1] == {"date": today(), "annotated": EXPECTED_ANNOTATED_TODAY, "published": EXPECTED_APPROVALS_TODAY}
    assert all(row["annotated"] == row["published"] == 0 for row in daily[:-1])


def test_backlog_counts_unannotated_claims_and_waiting_annotations_with_the_oldest_age(api, desk):
    backlog = _get(api, desk.editor)["backlog"]
    assert {name: backlog[name] for name in EXPECTED_BACKLOG} == EXPECTED_BACKLOG
    assert backlog["oldest_waiting_since"] is not None
    assert 0 <= backlog["oldest_waiting_age_seconds"] < 600


def test_agreement_compares_claims_with_two_or_more_submitted_annotations(api, desk):
    agreement = _get(api, desk.editor)["agreement"]
    # Only c5 has several submitted annotations: alice false (replaced), bob false, carol mixed (published).
    assert agreement["claims"] == 1
    assert agreement["annotations"] == 3
    assert agreement["alpha"] == pytest.approx(nominal_alpha([["false", "false", "mixed"]]))


def test_language_filter_keeps_only_that_languages_articles(api, desk):
    body = _get(api, desk.editor, language="IT")
    assert all(row["count"] == 0 for row in body["verdicts"])
    assert body["reviewers"] == [
        {"reviewer": "carol", "annotations": 1, "submitted": 1, "approved": 0, "rejected": 0, **NO_ASSIGNED_WORK}
    ]
    assert body["backlog"]["unannotated_claims"] == 1
    assert body["backlog"]["waiting"] == 1
    assert body["agreement"]["claims"] == 0


def test_one_article_computed_from_its_rows_matches_the_counters_of_its_language(api, desk):
    by_article = _get(api, desk.editor, article=desk.english.pk)
    by_language = _get(api, desk.editor, language="en")
    for figure in ("verdicts", "reviewers", "daily", "agreement", "totals"):
        assert by_article[figure] == by_language[figure], figure
    for name in ("unannotated_claims", "waiting", "oldest_waiting_since"):
        assert by_article["backlog"][name] == by_language["backlog"][name]


def test_a_range_before_the_work_shows_nothing_but_the_backlog(api, desk):
    body = _get(api, desk.editor, date_from="2020-01-01", date_to="2020-01-31")
    assert len(body["daily"]) == 31
    assert body["totals"] == {"published": 0, "annotated": 0, "approved": 0}
    assert body["reviewers"] == []
    assert body["backlog"]["waiting"] == EXPECTED_BACKLOG["waiting"]


def test_instants_select_the_utc_days_they_fall_in(api, desk):
    body = _get(api, desk.editor, date_from=f"{today()}T23:59:00+00:00", date_to=f"{today()}T00:00:01Z")
    assert body["range"]["days"] == 1
    assert body["totals"]["annotated"] == EXPECTED_ANNOTATED_TODAY


def test_empty_desk_answers_zeros_and_no_alpha(api, editor):
    body = _get(api, editor)
    assert body["reviewers"] == []
    assert all(row["count"] == 0 for row in body["verdicts"])
    assert body["agreement"] == {
        "basis": "first_submissions", "alpha": None, "claims": 0, "annotations": 0,
    }  # fmt: skip
    assert body["backlog"] == {
        "unannotated_claims": 0, "waiting": 0, "oldest_waiting_since": None, "oldest_waiting_age_seconds": None,
        "drafts_never_submitted": 0, "claims_needing_review": 0, "overdue_assignments": 0,
    }  # fmt: skip


# ---------------------------------------------------------------- the counters


def _tallies():
    daily = sorted(DailyTally.objects.exclude(count=0).values_list("day", "language", "metric", "reviewer_id",
                                                                    "verdict_id", "count"))  # fmt: skip
    backlog = sorted(BacklogTally.objects.exclude(count=0).values_list("language", "metric", "count"))
    paired = sorted(PairedClaim.objects.values_list("claim_id", "language", "size", "spread", "disagreeing"))
    return daily, backlog, paired


def test_counters_kept_by_the_services_equal_a_recount_from_the_rows(desk):
    kept = _tallies()
    derived.rebuild()
    assert _tallies() == kept


def test_deleting_claims_and_articles_leaves_the_unannotated_backlog_right(editor):
    article = ArticleFactory(body="First claim here. Second claim here.")
    first = ClaimFactory(article=article, exact="First claim")
    ClaimFactory(article=article, exact="Second claim")
    other = ArticleFactory(body="A third claim.")
    ClaimFactory(article=other, exact="third claim")
    claims.delete_claim(first)
    articles.delete_article(other)
    backlog = stats.desk_stats(stats.parse_filters({})).backlog
    assert backlog["unannotated_claims"] == 1
    derived.rebuild()
    assert stats.desk_stats(stats.parse_filters({})).backlog["unannotated_claims"] == 1


def test_changing_an_articles_language_moves_its_figures(api, desk):
    articles.update_article(desk.italian, language="fr")
    assert _get(api, desk.editor, language="it")["reviewers"] == []
    moved = _get(api, desk.editor, language="fr")
    assert moved["reviewers"][0]["reviewer"] == "carol"
    assert moved["backlog"]["waiting"] == 1
    kept = _tallies()
    derived.rebuild()
    assert _tallies() == kept


@pytest.mark.parametrize("scope", ["desk", "language", "article"])
def test_query_count_does_not_grow_with_the_desk(api, editor, scope):
    reviewers = [UserFactory(role="reviewer") for _ in range(3)]
    article = ArticleFactory(body="alpha beta gamma delta epsilon zeta eta theta")
    params = {"desk": {}, "language": {"language": "en"}, "article": {"article": article.pk}}[scope]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _get(api, editor, **params)
        return len(captured)

    publish(make_annotation(ClaimFactory(article=article, exact="alpha"), reviewers[0]), editor)
    small = queries()
    for word in ("beta", "gamma", "delta", "epsilon", "zeta"):
        claim = ClaimFactory(article=article, exact=word)
        for reviewer in reviewers:
            review.submit(make_annotation(claim, reviewer, key="false"), actor=reviewer)
        review.approve(claim.annotations.first(), actor=editor)
    ArticleFactory(body="Dieci parole", language="it")
    assert queries() == small


# ---------------------------------------------------------------- refused requests


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_editors_read_the_stats(api, role):
    user = UserFactory(role=role)
    response = api(user).get(URL)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_callers_are_refused(api, db):
    assert api().get(URL).status_code in (401, 403)


def test_superusers_count_as_editors(api, db):
    admin = UserFactory(username="root")
    admin.is_superuser = True
    admin.save()
    assert api(admin).get(URL).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "last tuesday"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "date_from"),
        ({"article": "abc"}, "article"),
        ({"article": "999999"}, "article"),
        ({"language": "x" * 40}, "language"),
    ],
)
def test_bad_filters_get_400_naming_the_field(api, editor, params, field):
    response = api(editor).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_openapi_schema_documents_the_stats_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/stats/"]["get"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"date_from", "date_to", "language", "article"}
    body = schema["components"]["schemas"]["DeskStats"]["properties"]
    assert {"verdicts", "reviewers", "daily", "agreement", "backlog"} <= set(body)


# ---------------------------------------------------------------- the page and the command


def test_dashboard_page_shows_the_same_figures_as_the_api(client, api, desk):
    client.force_login(desk.editor)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    figures = response.context["figures"]
    body = _get(api, desk.editor)
    assert [row["count"] for row in figures.verdicts] == [row["count"] for row in body["verdicts"]]
    assert figures.reviewers == body["reviewers"]
    html = response.content.decode()
    assert 'aria-label="Published verdicts by verdict"' in html
    assert 'class="chart-bar" data-series="true"' in html


def test_dashboard_on_an_empty_desk_says_there_is_nothing_yet(client, editor):
    client.force_login(editor)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No verdicts published in this range." in html
    assert "Nothing was annotated or approved in this range." in html
    assert "No claim in this range has two or more submitted annotations" in html
    assert 'role="img"' not in html


def test_dashboard_is_for_editors_and_linked_in_their_navigation(client, reviewer, editor):
    client.force_login(reviewer)
    assert client.get("/dashboard/").status_code == 403
    client.force_login(editor)
    page = client.get("/")
    assert 'href="/dashboard/"' in page.content.decode()


def test_dashboard_names_a_bad_date_and_still_answers(client, editor):
    client.force_login(editor)
    response = client.get("/dashboard/", {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "date_from" in response.context["errors"]


def test_desk_report_prints_the_same_figures_as_plain_text(desk):
    out = io.StringIO()
    call_command("desk_report", "--from", today(), stdout=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == f"Desk report: {today()} to {today()} (UTC days)"
    assert any(line.split() == ["true", "2"] for line in lines)
    assert any(line.split() == ["alice", "4", "4", "4", "1"] for line in lines)
    day = [today(), str(EXPECTED_ANNOTATED_TODAY), str(EXPECTED_APPROVALS_TODAY)]
    assert any(line.split() == day for line in lines)
    backlog = lines[lines.index("Backlog (now)") + 3].split()
    assert backlog[:2] == ["2", "3"]


def test_desk_report_refuses_a_bad_date_naming_the_option(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--from"):
        call_command("desk_report", "--from", "soon", stdout=io.StringIO())


def test_a_long_range_reads_whole_months_and_edge_days_alike(api, desk):
    now = timezone.now().astimezone(datetime.UTC).date()
    first = (now.replace(day=1) - datetime.timedelta(days=40)).isoformat()
    last = (now.replace(day=1) + datetime.timedelta(days=70)).isoformat()
    body = _get(api, desk.editor, date_from=first, date_to=last)
    assert body["reviewers"] == EXPECTED_REVIEWERS
    assert {row["verdict"]: row["count"] for row in body["verdicts"]} == EXPECTED_VERDICTS
    assert body["totals"]["annotated"] == EXPECTED_ANNOTATED_TODAY


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        ("2026-01-15", "2026-02-10", None),
        ("2026-01-01", "2026-01-31", ("2026-01-01", "2026-02-01")),
        ("2026-01-02", "2026-03-31", ("2026-02-01", "2026-04-01")),
        ("2025-12-20", "2026-03-30", ("2026-01-01", "2026-03-01")),
    ],
)
def test_whole_months_inside_a_range(first, last, months):
    found = stats._months_within(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    expected = months and tuple(datetime.date.fromisoformat(day) for day in months)
    assert found == expected
