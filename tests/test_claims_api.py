"""Claims through the REST API: W3C selectors resolved to exactly the right code points, and their edits."""

import threading
import time
import unicodedata

import pytest
from django.db import connection, transaction

from annotations.claims import create_claim
from annotations.models import Article, Claim

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db

BODY = "The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded."
REPEATED = "Prices rose. Then prices rose again. And prices rose once more."


def quote(exact: str, **context) -> dict:
    return {"type": "TextQuoteSelector", "exact": exact, **context}


def position(start: int, end: int) -> dict:
    return {"type": "TextPositionSelector", "start": start, "end": end}


@pytest.fixture
def post_claim(api, reviewer):
    def post(article, *selectors, **fields):
        return api(reviewer).post(
            f"/api/v1/articles/{article.pk}/claims/", {"selector": list(selectors), **fields}, format="json"
        )

    return post


def selectors_of(response) -> dict:
    return {selector["type"]: selector for selector in response.json()["selector"]}


def test_quote_selector_alone_is_found_by_the_server(post_claim):
    article = ArticleFactory(body=BODY)
    response = post_claim(article, quote("voted 31 to 12"), claimant="City council")
    assert response.status_code == 201
    data = response.json()
    assert data["article"] == article.pk
    assert (data["start"], data["end"]) == (12, 26)
    assert BODY[data["start"] : data["end"]] == "voted 31 to 12"


def test_response_selector_carries_both_selector_types(post_claim):
    article = ArticleFactory(body=BODY)
    selectors = selectors_of(post_claim(article, quote("fully funded")))
    start = BODY.index("fully funded")
    assert selectors["TextPositionSelector"] == {"type": "TextPositionSelector", "start": start, "end": start + 12}
    assert selectors["TextQuoteSelector"] == {
        "type": "TextQuoteSelector",
        "exact": "fully funded",
        "prefix": BODY[start - 32 : start],
        "suffix": ".",
    }


def test_position_selector_alone_fills_in_the_quote(post_claim):
    article = ArticleFactory(body=BODY)
    response = post_claim(article, position(4, 11))
    assert response.status_code == 201
    assert selectors_of(response)["TextQuoteSelector"]["exact"] == "council"
    assert selectors_of(response)["TextQuoteSelector"]["prefix"] == "The "


def test_agreeing_position_and_quote_are_accepted(post_claim):
    article = ArticleFactory(body=BODY)
    response = post_claim(article, position(12, 26), quote("voted 31 to 12"))
    assert response.status_code == 201
    assert response.json()["exact"] == "voted 31 to 12"


def test_disagreeing_position_and_quote_are_refused_with_400(post_claim):
    article = ArticleFactory(body=BODY)
    response = post_claim(article, position(0, 11), quote("voted 31 to 12"))
    assert response.status_code == 400
    assert "selector" in response.json()
    assert not Claim.objects.exists()


def test_ambiguous_quote_is_refused_saying_how_many_places_match(post_claim):
    article = ArticleFactory(body=REPEATED)
    response = post_claim(article, quote("prices rose"))
    assert response.status_code == 400
    (message,) = response.json()["selector.exact"]
    assert "2 places" in message
    assert not Claim.objects.exists()


def test_quote_found_nowhere_is_refused_with_400(post_claim):
    response = post_claim(ArticleFactory(body=BODY), quote("voted 30 to 13"))
    assert response.status_code == 400
    assert "does not occur" in response.json()["selector.exact"][0]


@pytest.mark.parametrize(
    ("context", "start"),
    [({"prefix": "Then "}, 18), ({"suffix": " again"}, 18), ({"prefix": "And "}, 41), ({"suffix": " once more"}, 41)],
)
def test_prefix_or_suffix_picks_one_of_the_repeats(post_claim, context, start):
    article = ArticleFactory(body=REPEATED)
    response = post_claim(article, quote("prices rose", **context))
    assert response.status_code == 201
    assert (response.json()["start"], response.json()["end"]) == (start, start + len("prices rose"))


def test_offsets_after_emoji_count_code_points_not_utf16_units(post_claim, api, viewer):
    body = "Opposition leader \U0001f68b\U0001f1ee\U0001f1f9 called it \u201ca \u20ac180 million gamble\u201d."
    article = ArticleFactory(body=body)
    response = post_claim(article, quote("\u20ac180 million gamble"))
    assert response.status_code == 201
    # "Opposition leader " (18) + 3 astral code points + " called it " (11) + "\u201ca " (2): 35, not UTF-16's 38.
    assert (response.json()["start"], response.json()["end"]) == (35, 54)
    again = api(viewer).get(f"/api/v1/claims/{response.json()['id']}/").json()
    assert body[again["start"] : again["end"]] == "\u20ac180 million gamble"


def test_position_selector_after_emoji_is_taken_in_code_points(post_claim):
    body = "\U0001f600\U0001f600 Unemployment fell to 4.1% in March."
    article = ArticleFactory(body=body)
    response = post_claim(article, position(3, 15))
    assert response.status_code == 201
    assert response.json()["exact"] == "Unemployment"


def test_decomposed_quote_finds_the_composed_body(post_claim):
    article = ArticleFactory(body="Il caffè è più caro del 20% rispetto all'anno scorso.", language="it")
    response = post_claim(article, quote(unicodedata.normalize("NFD", "caffè è più caro")))
    assert response.status_code == 201
    assert response.json()["exact"] == unicodedata.normalize("NFC", "caffè è più caro")
    assert (response.json()["start"], response.json()["end"]) == (3, 19)


def test_decomposed_body_and_composed_quote_meet_at_the_same_offsets(api, editor, post_claim):
    body = unicodedata.normalize("NFD", "Perché la città è più verde: 30% di alberi in più.")
    payload = {"title": "Verde", "body": body, "language": "it"}
    article = Article.objects.get(pk=api(editor).post("/api/v1/articles/", payload, format="json").json()["id"])
    response = post_claim(article, quote("30% di alberi in più"))
    assert response.status_code == 201
    assert response.json()["start"] == unicodedata.normalize("NFC", body).index("30%")


def test_straight_quotes_find_typographic_quotes(post_claim):
    body = "Kaspersky said the vendor\u2019s software is \u201cnot malicious\u201d \u2014 twice."
    article = ArticleFactory(body=body)
    response = post_claim(article, quote('vendor\'s software is "not malicious" - twice'))
    assert response.status_code == 201
    assert response.json()["exact"] == "vendor\u2019s software is \u201cnot malicious\u201d \u2014 twice"


def test_the_same_span_cannot_be_claimed_twice(post_claim):
    article = ArticleFactory(body=BODY)
    assert post_claim(article, quote("voted 31 to 12")).status_code == 201
    response = post_claim(article, position(12, 26))
    assert response.status_code == 400
    assert "selector" in response.json()
    assert Claim.objects.count() == 1


def test_claim_keeps_claimant_date_and_statement(post_claim, reviewer):
    article = ArticleFactory(body=BODY)
    response = post_claim(
        article, quote("fully funded"), claimant="Mayor", claim_date="2026-03-10", statement="The project is funded."
    )
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.claimant, str(claim.claim_date), claim.statement) == ("Mayor", "2026-03-10", "The project is funded.")
    assert claim.created_by == reviewer


def test_update_claimant_date_and_statement(api, reviewer):
    claim = ClaimFactory(created_by=reviewer)
    response = api(reviewer).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"claimant": "Porthaven council", "claim_date": "2026-03-11", "statement": "31 voted for."},
        format="json",
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.claimant == "Porthaven council"
    assert (str(claim.claim_date), claim.statement) == ("2026-03-11", "31 voted for.")


def test_changing_a_claims_selector_reattaches_it_by_hand(api, reviewer):
    claim = ClaimFactory(created_by=reviewer)
    response = api(reviewer).patch(
        f"/api/v1/claims/{claim.pk}/", {"selector": [position(0, 3)], "claimant": "Someone"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["anchor"]["status"] == "manual"
    claim.refresh_from_db()
    assert (claim.exact, claim.claimant) == ("The", "Someone")


def test_offsets_sent_in_an_update_are_ignored(api, reviewer):
    claim = ClaimFactory(created_by=reviewer)
    response = api(reviewer).patch(f"/api/v1/claims/{claim.pk}/", {"start": 0, "end": 3}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.exact == "voted 31 to 12"


def test_unannotated_claim_is_deleted_with_204(api, reviewer):
    claim = ClaimFactory(created_by=reviewer)
    assert api(reviewer).delete(f"/api/v1/claims/{claim.pk}/").status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_annotated_claim_is_not_deleted_409(api, editor, reviewer):
    claim = ClaimFactory(created_by=reviewer)
    make_annotation(claim, UserFactory(role="reviewer"))
    response = api(editor).delete(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 409
    assert "annotations" in response.json()["detail"]
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_article_claims_list_gives_its_claims_in_text_order(api, viewer):
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, exact="fully funded")
    ClaimFactory(article=article, exact="voted 31 to 12")
    ClaimFactory(exact="voted 31 to 12")  # another article's
    data = api(viewer).get(f"/api/v1/articles/{article.pk}/claims/").json()
    assert [item["exact"] for item in data["results"]] == ["voted 31 to 12", "fully funded"]


def test_claims_list_filters_by_article_and_claimant(api, viewer):
    mine = ClaimFactory(claimant="Eugene Kaspersky")
    ClaimFactory(claimant="European Parliament")
    client = api(viewer)
    assert [c["id"] for c in client.get(f"/api/v1/claims/?article={mine.article_id}").json()["results"]] == [mine.pk]
    assert [c["id"] for c in client.get("/api/v1/claims/?claimant=kaspersky").json()["results"]] == [mine.pk]


def test_claim_on_a_missing_article_is_404(api, reviewer):
    response = api(reviewer).post("/api/v1/articles/999999/claims/", {"selector": [quote("anything")]}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_claim_created_during_a_body_edit_is_anchored_in_the_new_body():
    """A claim request holding the old body waits for a concurrent body edit and anchors in what was committed."""
    article = ArticleFactory(body="Old text: the council voted 31 to 12.")
    stale = Article.objects.get(pk=article.pk)
    outcome = {}

    def create_in_another_connection():
        try:
            outcome["claim"] = create_claim(stale, [quote("voted 31 to 12")])
        finally:
            connection.close()

    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)  # as update_article holds it
        worker = threading.Thread(target=create_in_another_connection)
        worker.start()
        wait_until(lambda: not worker.is_alive() or blocked_on_a_lock(), timeout=10)
        locked.body = "Corrected, longer opening. The council voted 31 to 12."
        locked.save()
    worker.join(timeout=10)
    claim = outcome["claim"]
    assert locked.body[claim.start : claim.end] == claim.exact == "voted 31 to 12"


def blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is frozen for this transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the condition"
        time.sleep(0.01)
