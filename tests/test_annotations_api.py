"""The annotation API: create, read, change with If-Match, history, diff, revert, as-of, lists, permissions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import review, versioning
from annotations.models import AnnotationVersion

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish, verdict

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "url": "https://minutes.example.org/2026-03-14",
    "title": "Council minutes",
    "publisher": "City of Porthaven",
    "quote": "31 in favour, 12 against",
    "stance": "supports",
    "accessed": "2026-03-15",
}


def content(**changes):
    return {"verdict": "true", "confidence": 80, "rationale": "Minutes agree.", "evidence": [EVIDENCE], **changes}


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def annotation(claim, reviewer):
    return make_annotation(claim, reviewer, key="mostly-true", confidence=60, rationale="First look.")


def patch(client, annotation_id, etag, **data):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.patch(f"/api/v1/annotations/{annotation_id}/", data, format="json", **headers)


# ---------------------------------------------------------------- create and read


def test_rating_scale_is_listed_in_display_order(api, viewer):
    response = api(viewer).get("/api/v1/verdicts/")
    assert response.status_code == 200
    keys = [item["key"] for item in response.json()["results"]]
    assert keys == ["true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unproven"]
    assert response.json()["results"][0] == {
        "key": "true", "label": "True", "rating_value": 5, "colour": "#2e7d32", "position": 0,
    }  # fmt: skip


def test_created_annotation_is_version_1_with_its_etag(api, reviewer, claim):
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(change_note="First"))
    assert response.status_code == 201
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["version"] == 1
    assert (body["claim"], body["article"], body["reviewer"], body["author"]) == (
        claim.pk, claim.article_id, "reviewer", "reviewer",
    )  # fmt: skip
    assert (body["verdict"], body["verdict_label"], body["rating_value"]) == ("true", "True", 5)
    assert (body["status"], body["is_published"], body["published_version"]) == ("draft", False, None)
    assert body["evidence"] == [EVIDENCE]
    assert body["change_note"] == "First"


def test_second_annotation_of_a_claim_by_the_same_reviewer_is_refused_with_its_id(api, reviewer, annotation):
    response = api(reviewer).post(f"/api/v1/claims/{annotation.claim_id}/annotations/", content())
    assert response.status_code == 409
    assert response.json()["annotation_id"] == annotation.pk


def test_annotation_of_a_missing_claim_is_404(api, reviewer):
    assert api(reviewer).post("/api/v1/claims/999999/annotations/", content()).status_code == 404


def test_verdict_outside_the_rating_scale_is_refused_naming_verdict(api, reviewer, claim):
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(verdict="pants-on-fire"))
    assert response.status_code == 400
    assert "pants-on-fire" in response.json()["verdict"][0]


@pytest.mark.parametrize("confidence", [-1, 101, "high", 50.5, None])
def test_confidence_must_be_a_whole_number_from_0_to_100(api, reviewer, claim, confidence):
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(confidence=confidence))
    assert response.status_code == 400
    assert "confidence" in response.json()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x", "file:///etc/passwd", "", "nope"])
def test_evidence_url_must_be_http_or_https(api, reviewer, claim, url):
    evidence = [EVIDENCE, {**EVIDENCE, "url": url}]
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(evidence=evidence))
    assert response.status_code == 400
    assert list(response.json()) == ["evidence[1].url"]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({**EVIDENCE, "stance": "agrees"}, "evidence[0].stance"),
        ({**EVIDENCE, "accessed": "15/03/2026"}, "evidence[0].accessed"),
        ({**EVIDENCE, "title": 42}, "evidence[0].title"),
        ({**EVIDENCE, "colour": "red"}, "evidence[0].colour"),
        ("https://example.org", "evidence[0]"),
    ],
)
def test_bad_evidence_items_are_refused_naming_item_and_field(api, reviewer, claim, item, field):
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(evidence=[item]))
    assert response.status_code == 400
    assert field in response.json()


def test_evidence_items_are_stored_with_every_field(api, reviewer, claim):
    minimal = {"url": "http://example.org/report", "stance": "refutes"}
    response = api(reviewer).post(f"/api/v1/claims/{claim.pk}/annotations/", content(evidence=[minimal]))
    assert response.json()["evidence"] == [
        {"url": "http://example.org/report", "title": "", "publisher": "", "quote": "", "stance": "refutes",
         "accessed": None},
    ]  # fmt: skip


def test_retrieve_gives_the_current_version_and_its_etag(api, reviewer, annotation):
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=75, change_note="More sources")
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["version"], body["confidence"], body["verdict"], body["rationale"]) == (
        2, 75, "mostly-true", "First look.",
    )  # fmt: skip
    assert body["change_note"] == "More sources"


# ---------------------------------------------------------------- change with If-Match


def test_change_without_if_match_is_refused_with_428(api, reviewer, annotation):
    response = patch(api(reviewer), annotation.pk, None, confidence=90)
    assert response.status_code == 428
    assert AnnotationVersion.objects.filter(annotation=annotation).count() == 1


def test_stale_if_match_is_refused_with_412_and_the_current_version(api, reviewer, annotation):
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("false"))
    response = patch(api(reviewer), annotation.pk, '"1"', confidence=90)
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2
    assert response.json()["current"]["verdict"] == "false"
    assert response["ETag"] == '"2"'
    assert AnnotationVersion.objects.filter(annotation=annotation).count() == 2


def test_a_stale_save_is_not_logged_as_a_warning(api, reviewer, annotation, caplog):
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=70)
    with caplog.at_level("WARNING", logger="django.request"):
        assert patch(api(reviewer), annotation.pk, '"1"', confidence=90).status_code == 412
    assert caplog.records == []


def test_a_save_answers_with_what_was_stored_without_reading_it_back(
    api, editor, annotation, django_assert_num_queries
):
    client = api(editor)
    # Role lookup, the annotation, lock + based-on version, compare-and-swap, insert; in a test the
    # transaction is a savepoint (two more statements); the audit event (lock the chain head, insert, move
    # the head). The full read query is not among them.
    with django_assert_num_queries(10):
        response = patch(client, annotation.pk, '"1"', confidence=90, change_note="Editor's check")
    body = response.json()
    assert response["ETag"] == '"2"'
    assert body == client.get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (body["version"], body["confidence"], body["verdict"], body["author"]) == (2, 90, "mostly-true", "editor")


@pytest.mark.parametrize("etag", ['"1"', 'W/"1"', "1"])
def test_if_match_accepts_strong_weak_and_bare_etags(api, reviewer, annotation, etag):
    response = patch(api(reviewer), annotation.pk, etag, confidence=90)
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


def test_malformed_if_match_is_refused_naming_the_header(api, reviewer, annotation):
    response = patch(api(reviewer), annotation.pk, "*", confidence=90)
    assert response.status_code == 400
    assert "If-Match" in response.json()


def test_change_appends_a_version_carrying_over_unchanged_fields(api, reviewer, annotation):
    response = patch(api(reviewer), annotation.pk, '"1"', verdict="false", change_note="Found the data")
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["verdict"], body["confidence"], body["rationale"]) == (2, "false", 60, "First look.")
    first = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/versions/1/").json()
    assert (first["verdict"], first["confidence"]) == ("mostly-true", 60)


def test_change_with_an_unknown_field_is_refused_naming_it(api, reviewer, annotation):
    response = patch(api(reviewer), annotation.pk, '"1"', verdit="false")
    assert response.status_code == 400
    assert "verdit" in response.json()


# ---------------------------------------------------------------- history, diff, revert, as of


def test_versions_are_listed_oldest_first_with_their_own_fields(api, reviewer, annotation):
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=70, change_note="second")
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/versions/")
    assert response.status_code == 200
    items = response.json()["results"]
    assert [(v["number"], v["version"], v["based_on"], v["confidence"]) for v in items] == [
        (1, 1, None, 60), (2, 2, 1, 70),
    ]  # fmt: skip
    assert items[1]["change_note"] == "second"
    assert items[0]["author"] == "reviewer"


def test_a_missing_version_is_404(api, reviewer, annotation):
    assert api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/versions/7/").status_code == 404


def test_diff_reports_only_the_fields_that_changed(api, reviewer, annotation):
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=70)
    versioning.append_version(annotation, based_on=2, author=reviewer, verdict=verdict("false"))
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/diff/?from=1&to=3")
    assert response.status_code == 200
    assert response.json() == {
        "from": 1,
        "to": 3,
        "changes": {
            "verdict": {"from": "mostly-true", "to": "false"},
            "confidence": {"from": 60, "to": 70},
        },
    }


@pytest.mark.parametrize(("query", "field"), [("from=1&to=9", "to"), ("to=1", "from"), ("from=x&to=1", "from")])
def test_diff_of_a_missing_version_is_refused_naming_the_parameter(api, reviewer, annotation, query, field):
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/diff/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_revert_appends_a_new_version_equal_to_the_old_one(api, reviewer, annotation):
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("false"), confidence=20)
    client = api(reviewer)
    response = client.post(f"/api/v1/annotations/{annotation.pk}/revert/", {"version": 1}, HTTP_IF_MATCH='"2"')
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["verdict"], body["confidence"]) == (3, "mostly-true", 60)
    assert response["ETag"] == '"3"'
    third = client.get(f"/api/v1/annotations/{annotation.pk}/versions/3/").json()
    assert (third["reverted_from"], third["based_on"]) == (1, 2)
    assert client.get(f"/api/v1/annotations/{annotation.pk}/diff/?from=1&to=3").json()["changes"] == {
        "change_note": {"from": "", "to": "Reverted to version 1."}
    }


def test_revert_without_if_match_is_refused_with_428(api, reviewer, annotation):
    response = api(reviewer).post(f"/api/v1/annotations/{annotation.pk}/revert/", {"version": 1})
    assert response.status_code == 428


def test_revert_to_a_missing_version_is_refused_naming_version(api, reviewer, annotation):
    response = api(reviewer).post(f"/api/v1/annotations/{annotation.pk}/revert/", {"version": 5}, HTTP_IF_MATCH="1")
    assert response.status_code == 400
    assert "version" in response.json()


def test_as_of_gives_the_annotation_as_it_stood_at_that_instant(api, reviewer, annotation):
    first = annotation.versions.get(number=1)
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("false"))
    client = api(reviewer)
    instant = first.created_at.isoformat()
    then = client.get(f"/api/v1/annotations/{annotation.pk}/", {"as_of": instant}).json()
    assert (then["version"], then["verdict"]) == (1, "mostly-true")
    assert client.get(f"/api/v1/annotations/{annotation.pk}/").json()["verdict"] == "false"


def test_as_of_before_the_annotation_existed_is_404(api, reviewer, annotation):
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/", {"as_of": "2001-01-01"})
    assert response.status_code == 404


def test_as_of_that_is_not_an_instant_is_refused_naming_as_of(api, reviewer, annotation):
    response = api(reviewer).get(f"/api/v1/annotations/{annotation.pk}/", {"as_of": "yesterday"})
    assert response.status_code == 400
    assert "as_of" in response.json()


# ---------------------------------------------------------------- lists


def test_annotations_are_filtered_by_claim_article_reviewer_and_status(api, editor, reviewer):
    other_reviewer = UserFactory(role="reviewer", username="ada")
    first, second = ClaimFactory(), ClaimFactory(article=ArticleFactory(), exact="fully funded")
    mine = make_annotation(first, reviewer)
    theirs = make_annotation(second, other_reviewer)
    review.submit(theirs, actor=other_reviewer)
    client = api(editor)

    def ids(**query):
        return [item["id"] for item in client.get("/api/v1/annotations/", query).json()["results"]]

    assert ids() == [mine.pk, theirs.pk]
    assert ids(claim=second.pk) == [theirs.pk]
    assert ids(article=first.article_id) == [mine.pk]
    assert ids(reviewer="ada") == [theirs.pk]
    assert ids(status="submitted") == [theirs.pk]


def _many_annotations(claim_count: int, reviewer):
    article = ArticleFactory(body=" ".join(f"[{i}]" for i in range(claim_count)))
    for i in range(claim_count):
        annotation = make_annotation(ClaimFactory(article=article, exact=f"[{i}]"), reviewer, evidence=[EVIDENCE])
        versioning.append_version(annotation, based_on=1, author=reviewer, confidence=i % 100)
    return article


def _count_queries(client, url) -> int:
    """Queries of one request, after a first request has warmed the per-user role cache."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_annotation_list_query_count_does_not_grow_with_the_page(api, django_assert_num_queries, role):
    user = UserFactory(role=role, username=f"list-{role}")
    author = user if role != "viewer" else UserFactory(role="reviewer", username="author")
    editor = UserFactory(role="editor", username="approver")
    _many_annotations(1, author)
    for annotation in author.annotations.all():
        publish(annotation, editor)
    client = api(user)
    one = _count_queries(client, "/api/v1/annotations/")
    _many_annotations(49, author)
    for annotation in author.annotations.filter(status="draft"):
        publish(annotation, editor)
    with django_assert_num_queries(one):
        response = client.get("/api/v1/annotations/")
    assert len(response.json()["results"]) == 50


def test_claim_annotation_list_query_count_does_not_grow_with_the_page(api, editor, django_assert_num_queries):
    claim = ClaimFactory()
    make_annotation(claim, UserFactory(role="reviewer"))
    client = api(editor)
    url = f"/api/v1/claims/{claim.pk}/annotations/"
    one = _count_queries(client, url)
    for _ in range(49):
        make_annotation(claim, UserFactory(role="reviewer"))
    with django_assert_num_queries(one):
        assert len(client.get(url).json()["results"]) == 50


def test_version_list_query_count_does_not_grow_with_the_page(api, reviewer, annotation, django_assert_num_queries):
    client = api(reviewer)
    url = f"/api/v1/annotations/{annotation.pk}/versions/"
    one = _count_queries(client, url)
    for number in range(1, 50):
        versioning.append_version(annotation, based_on=number, author=reviewer, confidence=number)
    with django_assert_num_queries(one):
        assert len(client.get(url).json()["results"]) == 50


def test_transition_list_query_count_does_not_grow_with_the_page(api, editor, reviewer, annotation,
                                                                 django_assert_num_queries):  # fmt: skip
    review.submit(annotation, actor=reviewer)
    client = api(editor)
    url = f"/api/v1/annotations/{annotation.pk}/transitions/"
    one = _count_queries(client, url)
    for _ in range(24):
        review.reject(annotation, actor=editor)
        review.submit(annotation, actor=reviewer)
    with django_assert_num_queries(one):
        assert len(client.get(url).json()["results"]) == 49


# ---------------------------------------------------------------- permission matrix

ANON, VIEWER, OWN, OTHER, EDITOR = "anonymous", "viewer", "reviewer-own", "reviewer-other", "editor"
ROLES = (ANON, VIEWER, OWN, OTHER, EDITOR)

# action: (state of the annotation, method, path, body, If-Match, {role: expected status})
ALL_READ = {VIEWER: 200, OWN: 200, OTHER: 200, EDITOR: 200}
NOT_VIEWER = {VIEWER: 403, OWN: 200, OTHER: 200, EDITOR: 200}
OWN_OR_EDITOR = {VIEWER: 403, OWN: 200, OTHER: 403, EDITOR: 200}
EDITOR_ONLY = {VIEWER: 403, OWN: 403, OTHER: 403, EDITOR: 200}
OWN_ONLY = {VIEWER: 403, OWN: 200, OTHER: 403, EDITOR: 403}
# A submitted annotation is frozen for its reviewer (409); drafts are private to their reviewer and editors.
FROZEN_FOR_OWN = {**OWN_OR_EDITOR, OWN: 409}
MATRIX = {
    "list verdicts": ("published", "get", "/verdicts/", None, None, ALL_READ),
    "list annotations": ("published", "get", "/annotations/", None, None, ALL_READ),
    "list claim annotations": ("published", "get", "/claims/{claim}/annotations/", None, None, ALL_READ),
    "create": ("published", "post", "/claims/{fresh_claim}/annotations/", content(), None,
               {VIEWER: 403, OWN: 201, OTHER: 201, EDITOR: 201}),
    "retrieve published": ("published", "get", "/annotations/{id}/", None, None, ALL_READ),
    "retrieve draft": ("draft", "get", "/annotations/{id}/", None, None, {**ALL_READ, VIEWER: 404, OTHER: 404}),
    "change": ("published", "patch", "/annotations/{id}/", {"confidence": 5}, "2", FROZEN_FOR_OWN),
    "versions": ("published", "get", "/annotations/{id}/versions/", None, None, ALL_READ),
    "version": ("published", "get", "/annotations/{id}/versions/2/", None, None, ALL_READ),
    "diff": ("published", "get", "/annotations/{id}/diff/?from=1&to=2", None, None, NOT_VIEWER),
    "transitions": ("published", "get", "/annotations/{id}/transitions/", None, None, NOT_VIEWER),
    "revert": ("published", "post", "/annotations/{id}/revert/", {"version": 1}, "2", FROZEN_FOR_OWN),
    "submit": ("draft", "post", "/annotations/{id}/submit/", {}, None, {**OWN_ONLY, OTHER: 404}),
    "approve": ("submitted", "post", "/annotations/{id}/approve/", {}, None, EDITOR_ONLY),
    "reject": ("submitted", "post", "/annotations/{id}/reject/", {}, None, EDITOR_ONLY),
    "reopen": ("submitted", "post", "/annotations/{id}/reopen/", {}, None, EDITOR_ONLY),
    "agreement": ("published", "get", "/agreement/", None, None, EDITOR_ONLY),
}  # fmt: skip


@pytest.fixture
def cast(claim):
    """The people of the matrix; the other reviewer has submitted their own annotation of the claim,
    so blind review lets them see the owner's."""
    people = {
        OWN: UserFactory(role="reviewer", username="owner"),
        OTHER: UserFactory(role="reviewer", username="other"),
        VIEWER: UserFactory(role="viewer", username="reader"),
        EDITOR: UserFactory(role="editor", username="chief"),
        ANON: None,
    }
    review.submit(make_annotation(claim, people[OTHER], key="false"), actor=people[OTHER])
    return people


def _annotation_in(state: str, claim, cast):
    annotation = make_annotation(claim, cast[OWN], key="true")
    versioning.append_version(annotation, based_on=1, author=cast[OWN], confidence=90)
    if state in ("submitted", "published"):
        review.submit(annotation, actor=cast[OWN])
    if state == "published":
        review.approve(annotation, actor=cast[EDITOR])
    return annotation


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX)
def test_permission_matrix(api, claim, cast, action, role):
    state, method, path, body, etag, expected = MATRIX[action]
    annotation = _annotation_in(state, claim, cast)
    fresh_claim = ClaimFactory(article=claim.article, exact="fully funded")
    url = "/api/v1" + path.format(id=annotation.pk, claim=claim.pk, fresh_claim=fresh_claim.pk)
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    response = getattr(api(cast[role]), method)(url, body, format="json", **headers)
    if role == ANON:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected[role], response.content
