"""Claim search across articles: GET /api/v1/claims/?q= (stemming per article language, rank, headline)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import review
from annotations.models import Claim
from annotations.search import HEADLINE_START, HEADLINE_STOP

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

EN_BODY = (
    "The House voted 476 to 151 to ban the software. Officials said the subsidies were cut in 2017. "
    "The mayor opened a new bridge."
)
IT_BODY = "La Camera ha votato 476 a 151 per vietare il software. Nel 2017 sono stati spesi 94 milioni di dollari."


def search(client, q, **filters):
    response = client.get("/api/v1/claims/", {"q": q, **filters})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(results) -> list[int]:
    return [result["id"] for result in results]


@pytest.fixture
def articles():
    return ArticleFactory(body=EN_BODY, language="en"), ArticleFactory(body=IT_BODY, language="it")


def test_english_search_finds_other_forms_of_the_word(api, editor, articles):
    english, _ = articles
    voted = ClaimFactory(article=english, exact="The House voted 476 to 151 to ban the software")
    ClaimFactory(article=english, exact="The mayor opened a new bridge")

    assert ids(search(api(editor), "voting bans")) == [voted.pk]


def test_italian_search_stems_in_italian(api, editor, articles):
    _, italian = articles
    votato = ClaimFactory(article=italian, exact="La Camera ha votato 476 a 151 per vietare il software")
    ClaimFactory(article=italian, exact="Nel 2017 sono stati spesi 94 milioni di dollari")

    spesi = Claim.objects.get(exact__startswith="Nel 2017")

    assert ids(search(api(editor), "votare")) == [votato.pk]
    assert ids(search(api(editor), "milione")) == [spesi.pk]  # singular finds the plural "milioni"
    assert ids(search(api(editor), "il")) == []  # an Italian stop word


def test_a_claim_with_the_word_in_its_text_ranks_above_one_with_it_only_in_the_rationale(
    api, editor, reviewer, articles
):
    english, _ = articles
    in_rationale = ClaimFactory(article=english, exact="The mayor opened a new bridge")
    publish(make_annotation(in_rationale, reviewer, rationale="Unrelated to any subsidies."), editor)
    in_text = ClaimFactory(article=english, exact="Officials said the subsidies were cut in 2017")

    results = search(api(editor), "subsidies")

    assert ids(results) == [in_text.pk, in_rationale.pk]
    assert results[0]["rank"] > results[1]["rank"] > 0


def test_equal_ranks_come_in_id_order(api, editor):
    claims = [
        ClaimFactory(article=ArticleFactory(body="The bridge cost 40 million."), exact="The bridge cost 40 million")
        for _ in range(3)
    ]
    assert ids(search(api(editor), "bridge")) == sorted(c.pk for c in claims)


def test_each_result_has_a_headline_marking_the_matched_words(api, editor, articles):
    english, _ = articles
    ClaimFactory(article=english, exact="The House voted 476 to 151 to ban the software")

    (result,) = search(api(editor), "software")

    assert f"{HEADLINE_START}software{HEADLINE_STOP}" in result["headline"]
    assert result["article_title"] == english.title


def test_search_combines_with_the_other_filters(api, editor, articles):
    english, italian = articles
    en = ClaimFactory(article=english, exact="The House voted 476 to 151 to ban the software")
    it = ClaimFactory(article=italian, exact="La Camera ha votato 476 a 151 per vietare il software")

    assert ids(search(api(editor), "476")) == [en.pk, it.pk]
    assert ids(search(api(editor), "476", language="it")) == [it.pk]
    assert ids(search(api(editor), "476", article=english.pk)) == [en.pk]
    assert ids(search(api(editor), "476", published="true")) == []


def test_the_published_rationale_is_searchable_until_the_verdict_is_withdrawn(api, editor, reviewer, articles):
    english, _ = articles
    claim = ClaimFactory(article=english, exact="The mayor opened a new bridge")
    annotation = publish(make_annotation(claim, reviewer, rationale="Council minutes show a ribbon ceremony."), editor)

    assert ids(search(api(editor), "ceremonies")) == [claim.pk]

    review.reject(annotation, actor=editor)

    assert ids(search(api(editor), "ceremonies")) == []


def test_quotes_and_minus_follow_web_search_syntax(api, editor, articles):
    english, _ = articles
    software = ClaimFactory(article=english, exact="The House voted 476 to 151 to ban the software")
    bridge = ClaimFactory(article=english, exact="The mayor opened a new bridge")

    assert ids(search(api(editor), '"ban the software"')) == [software.pk]
    assert ids(search(api(editor), '"software ban"')) == []
    assert ids(search(api(editor), "bridge or software -house")) == [bridge.pk]


@pytest.mark.parametrize("q", ["", "   "])
def test_a_blank_query_is_refused_naming_q(api, editor, q):
    response = api(editor).get("/api/v1/claims/", {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()


def test_a_10_kb_query_is_refused_naming_q(api, editor):
    response = api(editor).get("/api/v1/claims/", {"q": "software " * 1200})
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize("q", ["the of and", "-", '"', "or", "!!! &&& |||", "(unbalanced", "a\u0000b"])
def test_odd_queries_find_nothing_or_are_refused_never_a_server_error(api, editor, articles, q):
    ClaimFactory(article=articles[0], exact="The mayor opened a new bridge")
    response = api(editor).get("/api/v1/claims/", {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "q" in response.json()
    else:
        assert response.json()["results"] == []


def test_viewers_find_only_claims_with_a_published_verdict(api, editor, reviewer, viewer, articles):
    english, _ = articles
    published = ClaimFactory(article=english, exact="The House voted 476 to 151 to ban the software")
    publish(make_annotation(published, reviewer), editor)
    ClaimFactory(article=english, exact="Officials said the subsidies were cut in 2017")

    assert ids(search(api(viewer), "2017 or software")) == [published.pk]
    assert len(search(api(reviewer), "2017 or software")) == 2


def test_another_reviewers_unpublished_rationale_is_not_searchable(api, editor, reviewer, articles):
    claim = ClaimFactory(article=articles[0], exact="The mayor opened a new bridge")
    other = UserFactory(role="reviewer", username="other-reviewer")
    make_annotation(claim, other, rationale="Tollbooth receipts contradict this.")
    review.submit(claim.annotations.get(), actor=other)

    assert search(api(reviewer), "tollbooth") == []
    assert search(api(editor), "tollbooth") == []  # only published rationales are indexed, for everyone


def test_search_runs_the_same_number_of_queries_for_one_result_as_for_many(api, editor, reviewer):
    UserFactory(username="reader", role="viewer")

    def queries() -> tuple[int, int]:
        client = api(get_user_model().objects.get(username="reader"))
        with CaptureQueriesContext(connection) as context:
            results = search(client, "bridge")
        return len(context.captured_queries), len(results)

    first = ClaimFactory(article=ArticleFactory(body="A bridge opened."), exact="A bridge opened")
    publish(make_annotation(first, reviewer), editor)
    one = queries()
    for _ in range(9):
        claim = ClaimFactory(article=ArticleFactory(body="A bridge opened."), exact="A bridge opened")
        publish(make_annotation(claim, reviewer), editor)
    many = queries()

    assert (one[1], many[1]) == (1, 10)
    assert one[0] == many[0]


def test_changing_an_articles_language_restems_its_claims(api, editor):
    article = ArticleFactory(body="Il governo ha votato la legge.", language="en")
    claim = ClaimFactory(article=article, exact="Il governo ha votato la legge")
    assert ids(search(api(editor), "votare")) == []

    assert api(editor).patch(f"/api/v1/articles/{article.pk}/", {"language": "it"}, format="json").status_code == 200

    assert ids(search(api(editor), "votare")) == [claim.pk]


# Per text source: (English quote, its query, Italian quote, its query, a query for both); the queries
# only match through stemming ("votes"/"voted" -> "vote", "spesi"/"spesa", "costato"/"costo").
SEARCHED_IN_ITS_LANGUAGE = {
    "fixtures": (
        "voted 31 to 12 in favour of the motion", "vote 31",
        "il progetto è già costato 94mil dollari", "costo 94mil", "31 or 94mil",
    ),
    "seeds": (
        "It was passed by 476 to 151 votes", "vote 476",
        "nel 2017 sono stati spesi 94mil dollari", "spesa 2017", "476 or 2017",
    ),
}  # fmt: skip


def test_articles_are_searched_each_in_its_language(api, editor, article_texts):
    english_quote, english_query, italian_quote, italian_query, both = SEARCHED_IN_ITS_LANGUAGE[article_texts.name]
    english_body = "\n".join(article_texts.read(article_texts.english))
    italian_body = "\n".join(article_texts.read(article_texts.italian))
    vote = ClaimFactory(article=ArticleFactory(title="English", body=english_body, language="en"), exact=english_quote)
    spent = ClaimFactory(article=ArticleFactory(title="Italian", body=italian_body, language="it"), exact=italian_quote)

    assert ids(search(api(editor), english_query)) == [vote.pk]
    assert ids(search(api(editor), italian_query)) == [spent.pk]
    assert ids(search(api(editor), both)) == [vote.pk, spent.pk]


def test_ranked_search_pages_best_first_through_cursor_links(api, editor):
    # Claims that mention "tram" once, twice or three times rank apart; 53 of them need two pages.
    sentences = [f"Line {n:03d}: " + " ".join(["tram"] * (1 + n % 3)) + " funding." for n in range(53)]
    article = ArticleFactory(body=" ".join(sentences), language="en")
    claims = [ClaimFactory(article=article, exact=sentence) for sentence in sentences]
    client = api(editor)

    pages, url = [], "/api/v1/claims/?q=tram&page_size=50"
    while url:
        body = client.get(url).json()
        pages.append(body["results"])
        url = body["next"]

    assert [len(page) for page in pages] == [50, 3]
    results = [result for page in pages for result in page]
    assert sorted(ids(results)) == sorted(claim.pk for claim in claims)
    assert [result["rank"] for result in results] == sorted((result["rank"] for result in results), reverse=True)


def _tram_claims(count: int) -> list[Claim]:
    sentences = [f"Line {n:03d}: " + " ".join(["tram"] * (1 + n % 3)) + " funding." for n in range(count)]
    article = ArticleFactory(body=" ".join(sentences), language="en")
    return [ClaimFactory(article=article, exact=sentence) for sentence in sentences]


def test_a_previous_link_goes_back_to_the_same_ranked_page(api, editor):
    _tram_claims(9)
    client = api(editor)
    first = client.get("/api/v1/claims/?q=tram&page_size=4").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()

    assert ids(back["results"]) == ids(first["results"])
    assert back["previous"] is None and set(ids(second["results"])).isdisjoint(ids(first["results"]))


def test_a_common_word_ranks_the_first_candidates_only_and_pages_them_without_repeats(api, editor, monkeypatch):
    monkeypatch.setattr("annotations.search.SEARCH_CANDIDATES", 7)
    _tram_claims(10)
    client = api(editor)

    pages, url = [], "/api/v1/claims/?q=tram&page_size=3"
    while url:
        body = client.get(url).json()
        pages.append(ids(body["results"]))
        url = body["next"]

    assert [len(page) for page in pages] == [3, 3, 1]
    assert len({pk for page in pages for pk in page}) == 7


def test_a_ranked_search_refuses_a_cursor_of_another_list(api, editor):
    _tram_claims(2)
    ArticleFactory()
    # The article list's cursor holds (created_at, id): a date where a search's holds a rank.
    cursor = api(editor).get("/api/v1/articles/?page_size=1").json()["next"].split("cursor=")[1]
    response = api(editor).get(f"/api/v1/claims/?q=tram&cursor={cursor}")

    assert response.status_code == 400 and "cursor" in response.json()
