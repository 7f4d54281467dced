"""The prior fact-check API: imports as jobs, the list, the rating mapping, "Checked before?" with prior
fact-checks ranked among the desk's claims, and linking a claim to one (evidence and a draft verdict)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Annotation, PriorFactCheck, RatingMapping
from annotations.priors import jobs
from annotations.priors.importing import import_items

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish, verdict
from .test_prior_import import ITALIAN_REVIEW, datafeed, review

pytestmark = pytest.mark.django_db

EN_BODY = (
    "The House of Representatives voted 476 to 151 on Tuesday to ban Kaspersky Lab software from "
    "government computers. The mayor opened a new cycle lane."
)
VOTE = "The House of Representatives voted 476 to 151 on Tuesday to ban Kaspersky Lab software"
ITALIAN_VOTE_REVIEW = {
    **ITALIAN_REVIEW,
    "url": "https://pagella.example.it/fact-checking/kaspersky-476",
    "claimReviewed": "La Camera ha votato 476 a 151 per vietare il software di Kaspersky Lab nel governo",
    "inLanguage": "it",
}


def load(*items):
    return import_items(enumerate(items, start=1), source_kind="file", source="test")


@pytest.fixture
def vote():
    return ClaimFactory(article=ArticleFactory(body=EN_BODY, language="en"), exact=VOTE)


def similar(client, claim) -> list[dict]:
    response = client.get(f"/api/v1/claims/{claim.pk}/similar/")
    assert response.status_code == 200, response.content
    return response.json()


# ---------------------------------------------------------------- imports


def test_an_uploaded_feed_becomes_a_job_that_reports_its_counts(api, editor, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("feed.json", datafeed(review(1), review(2, claimReviewed="")), "application/json")
    with django_capture_on_commit_callbacks():
        response = api(editor).post("/api/v1/prior-factchecks/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    jobs.run_import_job(response.json()["id"])

    job = api(editor).get(f"/api/v1/prior-factchecks/imports/{response.json()['id']}/").json()

    assert job["status"] == "succeeded"
    assert job["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "refused": 1}
    assert job["errors"] == [
        {"item": 2, "url": "https://checker.example.org/check/2", "reason": "claimReviewed: missing"}
    ]


def test_an_import_with_neither_file_nor_url_is_refused_naming_the_field(api, editor):
    response = api(editor).post("/api/v1/prior-factchecks/imports/", {}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()


def test_an_import_from_a_private_address_is_refused_at_once(api, editor):
    response = api(editor).post("/api/v1/prior-factchecks/imports/", {"url": "http://127.0.0.9/feed"}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()


def test_reviewers_cannot_import(api, reviewer):
    response = api(reviewer).post("/api/v1/prior-factchecks/imports/", {"url": "https://x.example/f"}, format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------- the list and editing


def test_the_list_finds_fact_checks_by_words_language_and_publisher(api, reviewer):
    load(ITALIAN_REVIEW, review(1), review(2, author={"name": "Other Checks"}))
    client = api(reviewer)
    by_words = client.get("/api/v1/prior-factchecks/", {"q": "ponte milioni"}).json()["results"]
    by_language = client.get("/api/v1/prior-factchecks/", {"language": "it"}).json()["results"]
    by_publisher = client.get("/api/v1/prior-factchecks/", {"publisher": "Other Checks"}).json()["results"]
    assert [p["url"] for p in by_words] == [ITALIAN_REVIEW["url"]]
    assert [p["url"] for p in by_language] == [ITALIAN_REVIEW["url"]]
    assert [p["url"] for p in by_publisher] == ["https://checker.example.org/check/2"]


def test_a_stemmed_word_finds_the_fact_check_in_its_language(api, reviewer):
    load(review(1, claimReviewed="The council was spending millions on tunnels"))
    found = api(reviewer).get("/api/v1/prior-factchecks/", {"q": "spend tunnel"}).json()["results"]
    assert len(found) == 1


def test_reviewers_read_but_cannot_change_a_fact_check(api, reviewer):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    response = api(reviewer).patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict": "true"}, format="json")
    assert response.status_code == 403


def test_an_editor_corrects_the_verdict_and_the_change_is_kept(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    response = api(editor).patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict": "false"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == "false"
    assert prior.changes.get().changes == {"verdict": [None, "false"], "verdict_corrected": [False, True]}
    assert response.json()["verdict_corrected"] is True


def test_an_editors_verdict_outlives_a_new_mapping_and_the_publishers_edit(api, editor):
    load(review(1), review(2))
    corrected, other = PriorFactCheck.objects.order_by("id")
    client = api(editor)
    client.patch(f"/api/v1/prior-factchecks/{corrected.pk}/", {"verdict": "mostly-false"}, format="json")
    client.post("/api/v1/rating-mappings/", {"rating_name": "False", "verdict": "false"}, format="json")
    load(review(1, claimReviewed="The council spent one million on the harbour tunnel, it said"))
    corrected.refresh_from_db()
    assert (corrected.claim_reviewed, corrected.verdict.key) == (
        "The council spent one million on the harbour tunnel, it said",
        "mostly-false",
    )
    assert PriorFactCheck.objects.get(pk=other.pk).verdict.key == "false"
    client.delete(f"/api/v1/rating-mappings/{RatingMapping.objects.get().pk}/")
    assert PriorFactCheck.objects.get(pk=corrected.pk).verdict.key == "mostly-false"


def test_handing_the_verdict_back_gives_it_the_mapped_one(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    client = api(editor)
    client.post("/api/v1/rating-mappings/", {"rating_name": "False", "verdict": "false"}, format="json")
    client.patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict": "true"}, format="json")
    response = client.patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict_corrected": False}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["verdict"], response.json()["verdict_corrected"]) == ("false", False)
    assert prior.changes.order_by("id").last().changes == {
        "verdict": ["true", "false"],
        "verdict_corrected": [True, False],
    }


def test_handing_the_verdict_back_with_a_corrected_language_maps_it_in_that_language(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    client = api(editor)
    client.post(
        "/api/v1/rating-mappings/", {"language": "it", "rating_name": "False", "verdict": "false"}, format="json"
    )
    client.patch(f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict": "true"}, format="json")
    response = client.patch(
        f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict_corrected": False, "language": "it"}, format="json"
    )
    assert (response.json()["verdict"], response.json()["language"]) == ("false", "it")


def test_choosing_a_verdict_and_handing_it_back_at_once_is_refused_naming_the_field(api, editor):
    load(review(1))
    prior = PriorFactCheck.objects.get()
    response = api(editor).patch(
        f"/api/v1/prior-factchecks/{prior.pk}/", {"verdict": "true", "verdict_corrected": False}, format="json"
    )
    assert response.status_code == 400
    assert "verdict_corrected" in response.json()
    prior.refresh_from_db()
    assert (prior.verdict, prior.verdict_corrected, prior.changes.count()) == (None, False, 0)


# ---------------------------------------------------------------- rating mapping


def test_unmapped_ratings_are_listed_with_a_suggestion_and_not_applied(api, editor):
    load(ITALIAN_REVIEW, review(1, reviewRating={"alternateName": "Pants on Fire"}))
    unmapped = api(editor).get("/api/v1/rating-mappings/unmapped/").json()
    suggestions = {row["rating_name"]: row["suggested_verdict"] for row in unmapped}
    assert suggestions == {"Falso": "false", "Pants on Fire": "false"}
    assert set(PriorFactCheck.objects.values_list("verdict", flat=True)) == {None}


def test_a_rating_value_suggests_the_verdict_at_its_place_on_the_scale(api, editor):
    load(review(1, reviewRating={"alternateName": "Four stars", "ratingValue": 4, "bestRating": 5, "worstRating": 1}))
    (row,) = api(editor).get("/api/v1/rating-mappings/unmapped/").json()
    assert row["suggested_verdict"] == "mostly-true"


def test_a_mapping_maps_the_fact_checks_of_that_publisher_and_language(api, editor):
    load(ITALIAN_REVIEW, review(1, reviewRating={"alternateName": "Falso"}))
    response = api(editor).post(
        "/api/v1/rating-mappings/",
        {"publisher": "Pagella Example", "language": "it", "rating_name": "falso", "verdict": "false"},
        format="json",
    )
    assert response.status_code == 201, response.content
    mapped = dict(PriorFactCheck.objects.values_list("publisher_name", "verdict__key"))
    assert mapped == {"Pagella Example": "false", "Checker Example": None}


def test_items_imported_after_a_mapping_arrive_mapped(api, editor):
    api(editor).post("/api/v1/rating-mappings/", {"rating_name": "False", "verdict": "false"}, format="json")
    load(review(1))
    assert PriorFactCheck.objects.get().verdict.key == "false"


def test_a_second_mapping_of_the_same_rating_is_refused_naming_the_rating(api, editor):
    client = api(editor)
    client.post("/api/v1/rating-mappings/", {"rating_name": "False", "verdict": "false"}, format="json")
    response = client.post("/api/v1/rating-mappings/", {"rating_name": "false ", "verdict": "true"}, format="json")
    assert response.status_code == 400
    assert "rating_name" in response.json()


def test_reviewers_cannot_see_or_change_the_mapping(api, reviewer):
    assert api(reviewer).get("/api/v1/rating-mappings/").status_code == 403


# ---------------------------------------------------------------- Checked before?


def test_a_prior_fact_check_in_another_language_is_suggested_with_why(api, editor, vote):
    load(ITALIAN_VOTE_REVIEW)
    (suggestion,) = similar(api(editor), vote)
    assert suggestion["prior_factcheck"]["url"] == ITALIAN_VOTE_REVIEW["url"]
    assert "claim" not in suggestion
    assert {"476", "151"} <= set(suggestion["why"]["figures"])
    assert "Kaspersky" in suggestion["why"]["names"]


def test_prior_fact_checks_are_ranked_together_with_the_desks_claims(api, editor, reviewer, vote):
    load(ITALIAN_VOTE_REVIEW, review(9, claimReviewed="The mayor opened 3 cycle lanes in 2020"))
    monday = VOTE.replace("Tuesday", "Monday")
    same = ClaimFactory(article=ArticleFactory(body=f"Reports say: {monday}.", language="en"), exact=monday)
    publish(make_annotation(same, reviewer), editor)
    suggestions = similar(api(editor), vote)
    kinds = ["claim" if "claim" in s else "prior" for s in suggestions]
    assert kinds[:2] == ["claim", "prior"]
    assert [s["score"] for s in suggestions] == sorted((s["score"] for s in suggestions), reverse=True)


def test_an_orphaned_claim_is_never_suggested(api, editor, vote):
    article = ArticleFactory(body=f"Earlier: {VOTE}. Nothing else.", language="en")
    ClaimFactory(article=article, exact=VOTE)
    api(editor).patch(f"/api/v1/articles/{article.pk}/", {"body": "A wholly different text now."}, format="json")
    assert similar(api(editor), vote) == []


# ---------------------------------------------------------------- claim search with include=prior


def search(client, **params) -> dict:
    response = client.get("/api/v1/claims/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_claim_search_can_include_prior_fact_checks_ranked_with_the_claims(api, editor, vote):
    load(ITALIAN_VOTE_REVIEW, review(7, claimReviewed="Kaspersky software was banned by the House, 476 votes to 151"))
    results = search(api(editor), q="Kaspersky 476", include="prior")["results"]

    assert [result["type"] for result in results].count("prior_factcheck") == 2
    assert {result["id"] for result in results if result["type"] == "claim"} == {vote.pk}
    assert [result["rank"] for result in results] == sorted((result["rank"] for result in results), reverse=True)
    prior = next(result for result in results if result.get("url") == ITALIAN_VOTE_REVIEW["url"])
    assert (prior["publisher"], prior["rating"], prior["language"]) == ("Pagella Example", "Falso", "it")
    assert "\ue000Kaspersky\ue001" in prior["headline"]


def test_a_viewer_finds_prior_fact_checks_and_only_published_claims(api, editor, reviewer, viewer, vote):
    published = ClaimFactory(article=ArticleFactory(body=f"Again: {VOTE}.", language="en"), exact=VOTE)
    publish(make_annotation(published, reviewer, key="false"), editor)
    load(ITALIAN_VOTE_REVIEW)
    results = search(api(viewer), q="Kaspersky", include="prior")["results"]
    assert sorted((result["type"], result["id"]) for result in results) == [
        ("claim", published.pk), ("prior_factcheck", PriorFactCheck.objects.get().pk),
    ]  # fmt: skip


def test_without_include_a_claim_search_lists_claims_only(api, editor, vote):
    load(ITALIAN_VOTE_REVIEW)
    results = search(api(editor), q="Kaspersky")["results"]
    assert [(result["type"], result["id"]) for result in results] == [("claim", vote.pk)]


def test_prior_fact_checks_follow_the_searchs_filters(api, editor, vote):
    load(ITALIAN_VOTE_REVIEW, review(7, claimReviewed="Kaspersky was banned 476 to 151", inLanguage="en"))
    client = api(editor)

    def found(**filters) -> set:
        results = search(client, q="Kaspersky", include="prior", **filters)["results"]
        return {result.get("url", result["type"]) for result in results}

    assert found(language="it") == {ITALIAN_VOTE_REVIEW["url"]}
    assert found(claimant="Mario Rossi") == {ITALIAN_VOTE_REVIEW["url"]}
    assert found(article=vote.article_id) == {"claim"}
    assert found(published="false") == {"claim"}


def test_a_search_with_prior_fact_checks_pages_by_cursor_without_repeats(api, editor, vote):
    load(*(review(n, claimReviewed=f"Kaspersky claim number {n} about software") for n in range(1, 8)))
    client = api(editor)
    page = search(client, q="Kaspersky", include="prior", page_size=3)
    seen = [(result["type"], result["id"]) for result in page["results"]]
    while page["next"]:
        response = client.get(page["next"])
        assert response.status_code == 200, response.content
        page = response.json()
        seen += [(result["type"], result["id"]) for result in page["results"]]
    assert len(seen) == len(set(seen)) == 8


@pytest.mark.parametrize(
    "params",
    [{"include": "prior"}, {"q": "Kaspersky", "include": "everything"}],
    ids=["without q", "unknown value"],
)
def test_include_is_refused_naming_it_without_a_search_or_with_another_value(api, editor, params):
    response = api(editor).get("/api/v1/claims/", params)
    assert response.status_code == 400
    assert "include" in response.json()


def test_a_cursor_of_a_search_without_prior_fact_checks_is_refused_with_them(api, editor, vote):
    ClaimFactory(article=ArticleFactory(body=f"Again: {VOTE}.", language="en"), exact=VOTE)
    first = search(api(editor), q="Kaspersky", page_size=1)
    cursor = first["next"].split("cursor=")[1]
    response = api(editor).get("/api/v1/claims/", {"q": "Kaspersky", "include": "prior", "cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


# ---------------------------------------------------------------- linking


def mapped_prior() -> PriorFactCheck:
    load(ITALIAN_VOTE_REVIEW)
    prior = PriorFactCheck.objects.get()
    PriorFactCheck.objects.filter(pk=prior.pk).update(verdict=verdict("false"))
    return prior


def test_linking_starts_a_draft_with_the_mapped_verdict_and_the_fact_check_as_evidence(api, reviewer, vote):
    prior = mapped_prior()
    response = api(reviewer).post(
        f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get(pk=response.json()["annotation"])
    current = annotation.versions.get()
    assert (response.json()["draft"], annotation.status, current.verdict.key) == ("created", "draft", "false")
    assert [(e["url"], e["stance"]) for e in current.evidence] == [(prior.url, "refutes")]


def test_linking_is_listed_as_checked_by_the_fact_check(api, reviewer, viewer, vote):
    prior = mapped_prior()
    api(reviewer).post(f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json")
    (link,) = api(viewer).get(f"/api/v1/claims/{vote.pk}/prior-factchecks/").json()
    assert (link["prior_factcheck"]["publisher"], link["linked_by"]) == ("Pagella Example", "reviewer")


def test_linking_adds_evidence_to_an_existing_draft_without_changing_its_verdict(api, reviewer, vote):
    prior = mapped_prior()
    annotation = make_annotation(vote, reviewer, key="mixed")
    response = api(reviewer).post(
        f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk, "stance": "context"}, format="json"
    )
    current = annotation.versions.order_by("-number").first()
    assert (response.json()["draft"], current.number, current.verdict.key) == ("evidence_added", 2, "mixed")
    assert current.evidence[-1]["stance"] == "context"


def test_an_unmapped_rating_links_without_guessing_a_verdict(api, reviewer, vote):
    load(ITALIAN_VOTE_REVIEW)
    prior = PriorFactCheck.objects.get()
    response = api(reviewer).post(
        f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json"
    )
    assert (response.status_code, response.json()["draft"], response.json()["annotation"]) == (201, "no_verdict", None)
    assert not Annotation.objects.exists()


def test_linking_twice_is_a_conflict(api, reviewer, vote):
    prior = mapped_prior()
    client = api(reviewer)
    client.post(f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json")
    response = client.post(f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json")
    assert response.status_code == 409


def test_linking_an_unknown_fact_check_is_refused_naming_it(api, reviewer, vote):
    response = api(reviewer).post(
        f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "prior_factcheck" in response.json()


def test_viewers_cannot_link(api, viewer, vote):
    prior = mapped_prior()
    response = api(viewer).post(
        f"/api/v1/claims/{vote.pk}/prior-factchecks/", {"prior_factcheck": prior.pk}, format="json"
    )
    assert response.status_code == 403
