"""The Django admin of prior fact-checks edits through the services: a correction is kept in the fact-check's
history, a mapping re-maps the fact-checks it covers, and import jobs and changes are only read."""

import pytest
from django.contrib.messages import get_messages

from annotations.models import PriorFactCheck, PriorFactCheckChange, PriorFeed, PriorImportJob, RatingMapping

from .factories import verdict
from .test_prior_api import load
from .test_prior_import import ITALIAN_REVIEW, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def prior():
    load(review(1))
    return PriorFactCheck.objects.get()


def _prior_form(prior: PriorFactCheck, **changes) -> dict:
    data = {
        "claim_reviewed": prior.claim_reviewed,
        "verdict": prior.verdict_id or "",
        "language": prior.language,
        "claim_author": prior.claim_author,
        "claim_date": prior.claim_date or "",
        # the change history inline (read-only, but its management form is posted)
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "0",
    }
    return {**data, **changes}


def _mapping_form(**values) -> dict:
    return {"publisher": "", "language": "", "rating_name": "", "verdict": "", **values}


def test_only_the_correctable_fields_of_a_prior_fact_check_are_in_the_form(admin_client, prior):
    response = admin_client.get(f"/admin/annotations/priorfactcheck/{prior.pk}/change/")
    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert fields == {"claim_reviewed", "verdict", "verdict_corrected", "language", "claim_author", "claim_date"}


def test_correcting_the_verdict_in_the_admin_is_kept_in_the_history_with_who(admin_client, prior):
    response = admin_client.post(
        f"/admin/annotations/priorfactcheck/{prior.pk}/change/", _prior_form(prior, verdict=verdict("false").pk)
    )
    assert response.status_code == 302
    prior.refresh_from_db()
    assert prior.verdict.key == "false"
    change = PriorFactCheckChange.objects.get(prior=prior)
    assert change.changed_by.username == "admin"
    assert change.changes == {"verdict": [None, "false"], "verdict_corrected": [False, True]}


def test_choosing_a_verdict_and_handing_it_back_in_the_admin_is_shown_next_to_the_box(admin_client, prior):
    PriorFactCheck.objects.filter(pk=prior.pk).update(verdict=verdict("true"), verdict_corrected=True)
    prior.refresh_from_db()
    form = _prior_form(prior, verdict=verdict("false").pk)  # the box left unticked: handed back
    response = admin_client.post(f"/admin/annotations/priorfactcheck/{prior.pk}/change/", form)
    assert response.status_code == 200
    assert "verdict_corrected" in response.context["adminform"].form.errors
    prior.refresh_from_db()
    assert (prior.verdict.key, prior.verdict_corrected) == ("true", True)


def test_saving_unchanged_adds_no_history(admin_client, prior):
    response = admin_client.post(f"/admin/annotations/priorfactcheck/{prior.pk}/change/", _prior_form(prior))
    assert response.status_code == 302
    assert not PriorFactCheckChange.objects.exists()


def test_a_language_that_is_no_tag_is_shown_next_to_the_field_and_nothing_is_saved(admin_client, prior):
    response = admin_client.post(
        f"/admin/annotations/priorfactcheck/{prior.pk}/change/", _prior_form(prior, language="not a tag")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["language"]
    prior.refresh_from_db()
    assert prior.language == "en"
    assert not PriorFactCheckChange.objects.exists()


def test_prior_fact_checks_are_neither_added_nor_deleted_in_the_admin(admin_client, prior):
    assert admin_client.get("/admin/annotations/priorfactcheck/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/annotations/priorfactcheck/{prior.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PriorFactCheck.objects.filter(pk=prior.pk).exists()


def test_a_mapping_added_in_the_admin_maps_the_fact_checks_it_covers(admin_client):
    load(ITALIAN_REVIEW, review(1))
    response = admin_client.post(
        "/admin/annotations/ratingmapping/add/",
        _mapping_form(publisher="Pagella Example", language="it", rating_name=" falso ", verdict=verdict("false").pk),
    )
    assert response.status_code == 302
    mapping = RatingMapping.objects.get()
    assert (mapping.rating_name, mapping.rating_key, mapping.created_by.username) == ("falso", "falso", "admin")
    mapped = dict(PriorFactCheck.objects.values_list("url", "verdict__key"))
    assert mapped == {ITALIAN_REVIEW["url"]: "false", "https://checker.example.org/check/1": None}


def test_a_second_mapping_of_the_same_rating_is_shown_next_to_the_rating(admin_client):
    RatingMapping.objects.create(rating_name="False", rating_key="false", verdict=verdict("false"))
    response = admin_client.post(
        "/admin/annotations/ratingmapping/add/", _mapping_form(rating_name="FALSE", verdict=verdict("mixed").pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rating_name"]
    assert RatingMapping.objects.count() == 1


def test_changing_a_mapping_in_the_admin_re_maps_its_fact_checks(admin_client):
    load(review(1))
    admin_client.post(
        "/admin/annotations/ratingmapping/add/", _mapping_form(rating_name="False", verdict=verdict("false").pk)
    )
    mapping = RatingMapping.objects.get()
    response = admin_client.post(
        f"/admin/annotations/ratingmapping/{mapping.pk}/change/",
        _mapping_form(rating_name="False", verdict=verdict("mostly-false").pk),
    )
    assert response.status_code == 302
    assert PriorFactCheck.objects.get().verdict.key == "mostly-false"


def test_deleting_a_mapping_in_the_admin_unmaps_its_fact_checks(admin_client):
    load(review(1))
    admin_client.post(
        "/admin/annotations/ratingmapping/add/", _mapping_form(rating_name="False", verdict=verdict("false").pk)
    )
    mapping = RatingMapping.objects.get()
    response = admin_client.post(f"/admin/annotations/ratingmapping/{mapping.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert PriorFactCheck.objects.get().verdict is None


def test_import_jobs_and_changes_are_read_only(admin_client, prior):
    job = PriorImportJob.objects.create(url="https://feeds.example/feed.json", new=3, refused=1)
    PriorFactCheckChange.objects.create(prior=prior, changed_at=prior.updated_at, changes={"verdict": [None, "false"]})
    change = PriorFactCheckChange.objects.get()
    for url in (
        f"/admin/annotations/priorimportjob/{job.pk}/change/",
        f"/admin/annotations/priorfactcheckchange/{change.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert not response.context["adminform"].form.fields
    assert admin_client.get("/admin/annotations/priorimportjob/add/").status_code == 403
    response = admin_client.post(f"/admin/annotations/priorimportjob/{job.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert admin_client.get("/admin/annotations/priorimportjob/").status_code == 200
    assert admin_client.get("/admin/annotations/priorfactcheckchange/").status_code == 200


def test_forgetting_a_feeds_validators_makes_the_next_refresh_download_it_in_full(admin_client):
    feed = PriorFeed.objects.create(url="https://feeds.example/feed.json", etag='"abc"', last_modified="yesterday")
    response = admin_client.post(
        "/admin/annotations/priorfeed/", {"action": "forget_validators", "_selected_action": [feed.pk]}
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ("", "")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 feed will be downloaded in full."]


def test_the_prior_admin_lists_open(admin_client, prior):
    for name in ("priorfactcheck", "ratingmapping", "priorfeed"):
        assert admin_client.get(f"/admin/annotations/{name}/").status_code == 200
    assert admin_client.get(f"/admin/annotations/priorfactcheck/{prior.pk}/change/").status_code == 200
