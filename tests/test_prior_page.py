"""The prior fact-checks page as the server renders it: who may open it, which controls each role gets,
its filters, and a fixed number of queries; and the API it relies on (the desk's imports, an editor's
correction refused with the field named)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import PriorFactCheck, PriorImportJob
from annotations.priors.importing import import_items

from .factories import UserFactory
from .test_prior_import import ITALIAN_REVIEW, review

pytestmark = pytest.mark.django_db

PAGE = "/prior-factchecks/"
EDITOR_CONTROLS = ('id="import-form"', 'id="unmapped-ratings"', 'id="rating-mappings"')


def load(*items):
    return import_items(enumerate(items, start=1), source_kind="file", source="test")


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_account_without_a_role_is_refused(browser_client):
    assert browser_client(UserFactory()).get(PAGE).status_code == 403


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_viewers_and_reviewers_get_the_list_without_import_or_mapping_controls(browser_client, role):
    response = browser_client(UserFactory(role=role)).get(PAGE)
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["page_data"]["can_edit"] is False
    page = response.content.decode()
    assert 'id="prior-table"' in page
    assert not [control for control in EDITOR_CONTROLS if control in page]


def test_editors_get_the_import_form_the_ratings_to_map_and_the_mappings(browser_client, editor):
    response = browser_client(editor).get(PAGE)
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    page = response.content.decode()
    assert [control for control in EDITOR_CONTROLS if control in page] == list(EDITOR_CONTROLS)


@pytest.mark.parametrize("role", ["viewer", "reviewer", "editor"])
def test_the_navigation_leads_everyone_with_a_role_to_the_page(browser_client, role):
    response = browser_client(UserFactory(role=role)).get("/")
    assert f'href="{PAGE}"' in response.content.decode()


def test_the_page_takes_no_posts(browser_client, editor):
    assert browser_client(editor).post(PAGE, {"url": "https://x.example/feed"}).status_code == 405


def test_the_filters_offer_the_languages_and_fact_checkers_present(browser_client, reviewer):
    load(ITALIAN_REVIEW, review(1), review(2, author={"name": "Other Checks"}, inLanguage="pt-BR"))
    response = browser_client(reviewer).get(PAGE, {"language": "it", "publisher": "Other Checks", "q": "ponte"})
    assert response.context["languages"] == ["en", "it", "pt", "pt-BR"]
    assert response.context["publishers"] == ["Checker Example", "Other Checks", "Pagella Example"]
    assert (response.context["language"], response.context["publisher"], response.context["query"]) == (
        "it", "Other Checks", "ponte",
    )  # fmt: skip


def test_a_language_filter_that_is_no_language_tag_is_a_400_naming_it(browser_client, reviewer):
    response = browser_client(reviewer).get(PAGE, {"language": "not a tag!"})
    assert response.status_code == 400
    assert "BCP 47" in response.content.decode()


def test_the_page_costs_the_same_queries_with_many_fact_checks(browser_client, editor):
    client = browser_client(editor)
    load(review(1))
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    load(*(review(n, author={"name": f"Checker {n}"}, inLanguage=["en", "it", "de"][n % 3]) for n in range(2, 60)))
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).status_code == 200
    assert len(many) == len(few) <= 12


# ---------------------------------------------------------------- the API the page relies on


def test_the_imports_are_listed_newest_first_with_who_started_them(api, editor):
    older = PriorImportJob.objects.create(url="https://feeds.example/a.json", created_by=editor)
    newer = PriorImportJob.objects.create(file_name="feed.json")
    response = api(editor).get("/api/v1/prior-factchecks/imports/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["id"], row["created_by"]) for row in rows] == [(str(newer.pk), None), (str(older.pk), editor.username)]


def test_the_imports_list_pages_by_keyset(api, editor):
    for n in range(3):
        PriorImportJob.objects.create(url=f"https://feeds.example/{n}.json", created_by=editor)
    first = api(editor).get("/api/v1/prior-factchecks/imports/", {"page_size": 2}).json()
    second = api(editor).get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert second["next"] is None


def test_the_imports_list_is_for_editors(api, reviewer):
    assert api(reviewer).get("/api/v1/prior-factchecks/imports/").status_code == 403


def test_an_editor_correcting_the_language_with_no_tag_gets_400_naming_it(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    response = api(editor).patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"language": "??"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()
    assert not prior.changes.exists()


def test_an_editor_correcting_the_language_is_kept_in_its_history(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    response = api(editor).patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"language": "IT"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "it"
    assert prior.changes.get().changes == {"language": ["en", "it"]}


def test_the_suggestion_reason_speaks_the_callers_language(api, editor):
    load(review(1, reviewRating={"alternateName": "Pants on Fire"}))
    response = api(editor).get("/api/v1/rating-mappings/unmapped/", HTTP_ACCEPT_LANGUAGE="it")
    [row] = response.json()
    assert row["suggested_verdict"] == "false"
    assert row["suggestion_reason"] == "la valutazione dice “pants on fire”"
