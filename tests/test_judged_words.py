"""A verdict never outlives its words: the re-anchoring table of edits, with and without an annotation and
with a published verdict, and what every export publishes before and after the editor's decision."""

import io
import json

import pytest
from django.db import connection

from annotations.articles import add_revision
from annotations.exports.claimreview import write_claimreview
from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters
from annotations.exports.jsonl import write_jsonl
from annotations.exports.webannotation import write_webannotation
from annotations.models import AnnotationVersion, ReviewTransition, WordsDecision

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

BODY = (
    'Lawmakers said Kaspersky has "been confirmed as malicious" by the agency. '
    "The vote was 476 to 151 in favour of the ban. "
    "Senator Jeanne Shaheen led the effort in the chamber. "
    "All US government agencies were ordered to remove the software last year. "
    "The ban, which followed months of debate, took effect in December."
)

# name: (claim's words, their replacement in the revision, the claim's words after it)
EDITS = {
    "negation inserted": (
        'Kaspersky has "been confirmed as malicious"',
        'Kaspersky has "not been confirmed as malicious"',
        'Kaspersky has "not been confirmed as malicious"',
    ),
    "figure changed": ("The vote was 476 to 151", "The vote was 476 to 155", "The vote was 476 to 155"),
    "name swapped": (
        "Senator Jeanne Shaheen led the effort",
        "Senator Jeanne Hassan led the effort",
        "Senator Jeanne Hassan led the effort",
    ),
    "word deleted": (
        "The ban, which followed months of debate, took effect in December",
        "The ban, which followed debate, took effect in December",
        "The ban, which followed debate, took effect in December",
    ),
    "punctuation only": (
        "The ban, which followed months of debate, took effect in December",
        "The ban which followed months of debate took effect in December",
        "The ban which followed months of debate took effect in December",
    ),
    "whitespace only": (
        "The ban, which followed months of debate, took effect in December",
        "The ban, which followed months of debate,  took effect in December",
        "The ban, which followed months of debate,  took effect in December",
    ),
}
NEGATION_REMOVED = (
    'Kaspersky has "not been confirmed as malicious"',
    'Kaspersky has "been confirmed as malicious"',
    'Kaspersky has "been confirmed as malicious"',
)
EDITS["negation removed"] = NEGATION_REMOVED
STATES = ("no annotation", "draft annotation", "published verdict")


def body_before(name: str) -> str:
    return BODY.replace(EDITS["negation inserted"][0], NEGATION_REMOVED[0]) if name == "negation removed" else BODY


def revise(article, name: str, editor):
    old, new, _ = EDITS[name]
    return add_revision(article, article.body.replace(old, new), source="typed", created_by=editor)


def claim_in_state(name: str, state: str, reviewer, editor):
    article = ArticleFactory(body=body_before(name), url="https://news.example.org/kaspersky")
    claim = ClaimFactory(article=article, exact=EDITS[name][0], claimant="Lawmakers")
    if state != "no annotation":
        annotation = make_annotation(claim, reviewer, key="false", rationale="Checked against the record.")
        if state == "published verdict":
            publish(annotation, editor)
    return article, claim


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(EDITS))
def test_changed_words_land_on_the_whole_new_passage(name, state, reviewer, editor):
    article, claim = claim_in_state(name, state, reviewer, editor)
    revise(article, name, editor)
    claim.refresh_from_db()
    article.refresh_from_db()
    assert claim.anchor_status == "fuzzy"
    assert article.body[claim.start : claim.end] == claim.exact == EDITS[name][2]


@pytest.mark.parametrize("state", ["draft annotation", "published verdict"])
@pytest.mark.parametrize("name", list(EDITS))
def test_changed_words_under_a_verdict_need_review_whatever_the_score(name, state, reviewer, editor):
    article, claim = claim_in_state(name, state, reviewer, editor)
    revise(article, name, editor)
    claim.refresh_from_db()
    assert claim.needs_review is True
    assert claim.words_changed == {"judged": EDITS[name][0], "current": EDITS[name][2], "revision": 2}


@pytest.mark.parametrize("name", list(EDITS))
def test_a_claim_nobody_annotated_has_no_judged_words(name, reviewer, editor):
    article, claim = claim_in_state(name, "no annotation", reviewer, editor)
    revise(article, name, editor)
    claim.refresh_from_db()
    assert claim.words_changed is None


def test_an_unannotated_claim_whose_words_only_moved_needs_no_review(reviewer, editor):
    article, claim = claim_in_state("figure changed", "published verdict", reviewer, editor)
    add_revision(article, "UPDATE: corrected.\n\n" + article.body, source="typed", created_by=editor)
    claim.refresh_from_db()
    assert (claim.anchor_status, claim.needs_review, claim.words_changed) == ("moved", False, None)


def test_each_version_records_the_words_it_judged(reviewer, editor):
    article, claim = claim_in_state("figure changed", "draft annotation", reviewer, editor)
    revise(article, "figure changed", editor)
    annotation = claim.annotations.get()
    from annotations import versioning

    versioning.append_version(annotation, based_on=1, author=reviewer, rationale="Re-checked on the new figure.")
    judged = list(AnnotationVersion.objects.filter(annotation=annotation).values_list("judged_exact", flat=True))
    assert judged == ["The vote was 476 to 151", "The vote was 476 to 155"]


def test_words_cut_off_at_the_start_are_marked_for_review(editor):
    article = ArticleFactory(body=BODY)
    claim = ClaimFactory(article=article, exact="All US government agencies were ordered to remove the software")
    add_revision(article, BODY.replace("All US government agencies", "Federal agencies"), source="typed")
    claim.refresh_from_db()
    assert claim.exact == "Federal agencies were ordered to remove the software"
    assert claim.needs_review is True


# ---------------------------------------------------------------- what the exports publish


def csv_claim_texts(api, editor, **params) -> list[str]:
    import csv

    response = api(editor).get("/api/v1/exports/verdicts.csv", params)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [row["claim_text"] for row in rows]


def published_words(api, editor, **params) -> dict[str, list[str]]:
    """The claim's words in every export format (the streamed CSV over HTTP, the others as jobs write them)."""

    def run(writer):
        out = io.BytesIO()
        writer(parse_filters(params, as_of=params.pop("as_of", None)), out.write, connection=connection,
               progress=Progress())  # fmt: skip
        return out.getvalue().decode()

    as_of = params.get("as_of")
    jsonl = [json.loads(line)["claim_text"] for line in run(write_jsonl).splitlines()]
    params["as_of"] = as_of
    claimreview = [item["claimReviewed"] for item in json.loads(run(write_claimreview))["@graph"]]
    params["as_of"] = as_of
    webannotation = [
        next(s["exact"] for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
        for item in json.loads(run(write_webannotation))["first"]["items"]
    ]
    params["as_of"] = as_of
    csv_params = {k: v for k, v in params.items() if v is not None}
    return {
        "csv": csv_claim_texts(api, editor, **csv_params),
        "jsonl": jsonl,
        "claimreview": claimreview,
        "webannotation": webannotation,
    }


def every_format(words: str) -> dict[str, list[str]]:
    return {"csv": [words], "jsonl": [words], "claimreview": [words], "webannotation": [words]}


def decide(api, editor, claim, **body):
    return api(editor).post(f"/api/v1/claims/{claim.pk}/words-decision/", body, format="json")


@pytest.mark.parametrize("name", list(EDITS))
def test_exports_keep_the_judged_words_until_an_editor_decides(name, api, reviewer, editor):
    article, _ = claim_in_state(name, "published verdict", reviewer, editor)
    revise(article, name, editor)
    assert published_words(api, editor) == every_format(EDITS[name][0])


@pytest.mark.parametrize("name", list(EDITS))
def test_the_history_export_keeps_the_judged_words_too(name, api, reviewer, editor):
    from django.utils import timezone

    article, _ = claim_in_state(name, "published verdict", reviewer, editor)
    revise(article, name, editor)
    assert published_words(api, editor, as_of=timezone.now().isoformat()) == every_format(EDITS[name][0])


@pytest.mark.parametrize("name", list(EDITS))
def test_verdict_still_holds_moves_every_export_to_the_new_words(name, api, reviewer, editor):
    article, claim = claim_in_state(name, "published verdict", reviewer, editor)
    revise(article, name, editor)
    response = decide(api, editor, claim, decision="holds", note="Same meaning.")
    assert response.status_code == 200, response.json()
    assert response.json()["words_changed"] is None
    assert response.json()["anchor"]["needs_review"] is False
    assert published_words(api, editor) == every_format(EDITS[name][2])


def test_reopen_keeps_the_old_publication_on_the_judged_words(api, reviewer, editor):
    article, claim = claim_in_state("negation inserted", "published verdict", reviewer, editor)
    revise(article, "negation inserted", editor)
    response = decide(api, editor, claim, decision="reopen", note="The sentence now says the opposite.")
    assert response.status_code == 200
    assert claim.annotations.get().status == "rejected"
    assert published_words(api, editor) == every_format(EDITS["negation inserted"][0])


def test_reopen_with_withdraw_publishes_nothing(api, reviewer, editor):
    article, claim = claim_in_state("negation inserted", "published verdict", reviewer, editor)
    revise(article, "negation inserted", editor)
    response = decide(api, editor, claim, decision="reopen", withdraw=True)
    assert response.status_code == 200
    assert response.json()["published_verdict"] is None
    assert published_words(api, editor) == {"csv": [], "jsonl": [], "claimreview": [], "webannotation": []}


def test_approving_a_verdict_written_on_the_new_words_publishes_them(api, reviewer, editor):
    from annotations import review, versioning

    article, claim = claim_in_state("figure changed", "published verdict", reviewer, editor)
    revise(article, "figure changed", editor)
    decide(api, editor, claim, decision="reopen")
    annotation = claim.annotations.get()
    versioning.append_version(annotation, based_on=1, author=reviewer, rationale="155 is right.")
    annotation.refresh_from_db()
    review.submit(annotation, actor=reviewer)
    review.approve(annotation, actor=editor)
    claim.refresh_from_db()
    assert claim.words_changed is None
    assert published_words(api, editor) == every_format("The vote was 476 to 155")


def test_the_decision_is_recorded_as_a_review_transition_with_who_and_the_note(api, reviewer, editor):
    article, claim = claim_in_state("name swapped", "published verdict", reviewer, editor)
    revise(article, "name swapped", editor)
    decide(api, editor, claim, decision="holds", note="Both senators led it.")
    transition = ReviewTransition.objects.filter(annotation__claim=claim).latest("id")
    assert (transition.actor, transition.from_status, transition.to_status) == (editor, "approved", "approved")
    assert "Both senators led it." in transition.comment
    decision = WordsDecision.objects.get(claim=claim)
    assert (decision.judged_exact, decision.current_exact) == EDITS["name swapped"][:2]


def test_deciding_on_unchanged_words_is_409(api, reviewer, editor):
    _, claim = claim_in_state("name swapped", "published verdict", reviewer, editor)
    response = decide(api, editor, claim, decision="holds")
    assert response.status_code == 409


def test_an_unknown_decision_is_400_naming_the_field(api, reviewer, editor):
    article, claim = claim_in_state("name swapped", "published verdict", reviewer, editor)
    revise(article, "name swapped", editor)
    response = decide(api, editor, claim, decision="maybe")
    assert response.status_code == 400
    assert "decision" in response.json()


def test_a_reviewer_cannot_decide(api, reviewer, editor):
    article, claim = claim_in_state("name swapped", "published verdict", reviewer, editor)
    revise(article, "name swapped", editor)
    assert decide(api, reviewer, claim, decision="holds").status_code == 403


def test_the_claim_shows_its_judged_and_current_words(api, reviewer, editor):
    article, claim = claim_in_state("figure changed", "published verdict", reviewer, editor)
    revise(article, "figure changed", editor)
    shown = api(reviewer).get(f"/api/v1/claims/{claim.pk}/").json()["words_changed"]
    assert shown == {"judged": "The vote was 476 to 151", "current": "The vote was 476 to 155", "revision": 2}


def test_reattaching_to_the_judged_words_settles_the_change(api, reviewer, editor):
    article, claim = claim_in_state("figure changed", "published verdict", reviewer, editor)
    revise(article, "figure changed", editor)
    article.refresh_from_db()
    add_revision(article, article.body + " Earlier: The vote was 476 to 151.", source="typed")
    response = api(editor).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"selector": [{"type": "TextQuoteSelector", "exact": "The vote was 476 to 151"}]},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["words_changed"], response.json()["anchor"]["needs_review"]) == (None, False)


def test_reattaching_to_other_words_leaves_the_decision_to_an_editor(api, reviewer, editor):
    article, claim = claim_in_state("figure changed", "published verdict", reviewer, editor)
    revise(article, "figure changed", editor)
    response = api(editor).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"selector": [{"type": "TextQuoteSelector", "exact": "The vote was 476 to 155 in favour"}]},
        format="json",
    )
    assert response.json()["words_changed"]["judged"] == "The vote was 476 to 151"
    assert response.json()["anchor"]["needs_review"] is True
    assert published_words(api, editor) == every_format("The vote was 476 to 151")
