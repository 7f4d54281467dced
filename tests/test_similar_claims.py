"""Checked before? GET /api/v1/claims/{id}/similar/ suggests claims of other articles, best first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import review
from annotations.likeness import figures, names

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

# Fixture texts with the traits of the two seed articles: the same vote reported in English and Italian.
EN_BODY = (
    "The House of Representatives voted 476 to 151 on Tuesday to ban Kaspersky Lab software from "
    "government computers. Eugene Kaspersky denied any link to the Kremlin. The agency spent $94 million in 2017."
)
IT_BODY = (
    "La Camera dei rappresentanti ha approvato con 476 voti favorevoli e 151 contrari il divieto del "
    "software di Kaspersky Lab nei computer del governo. Il meteo a Roma era soleggiato e mite."
)
OTHER_EN_BODY = (
    "Lawmakers backed a ban on Kaspersky Lab software in government computers, 476 votes to 151. "
    "The city council approved a new cycle lane on Main Street."
)


def similar(client, claim):
    response = client.get(f"/api/v1/claims/{claim.pk}/similar/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def vote():
    return ClaimFactory(
        article=ArticleFactory(body=EN_BODY, language="en"),
        exact="The House of Representatives voted 476 to 151 on Tuesday to ban Kaspersky Lab software from "
        "government computers",
    )


def test_a_paraphrase_in_another_article_ranks_above_an_unrelated_claim_of_that_article(api, editor, vote):
    other = ArticleFactory(body=OTHER_EN_BODY, language="en")
    unrelated = ClaimFactory(article=other, exact="The city council approved a new cycle lane on Main Street")
    paraphrase = ClaimFactory(
        article=other,
        exact="Lawmakers backed a ban on Kaspersky Lab software in government computers, 476 votes to 151",
    )

    suggestions = similar(api(editor), vote)

    suggested = [s["claim"]["id"] for s in suggestions]
    assert suggested[0] == paraphrase.pk
    assert unrelated.pk not in suggested or suggested.index(unrelated.pk) > 0
    assert 0 < suggestions[0]["score"] <= 1


def test_figures_and_names_match_an_italian_report_of_the_same_vote(api, editor, reviewer, vote):
    italian = ArticleFactory(body=IT_BODY, language="it")
    same = ClaimFactory(
        article=italian,
        exact="La Camera dei rappresentanti ha approvato con 476 voti favorevoli e 151 contrari il divieto del "
        "software di Kaspersky Lab nei computer del governo",
    )
    weather = ClaimFactory(article=italian, exact="Il meteo a Roma era soleggiato e mite")
    publish(make_annotation(same, reviewer, key="true"), editor)

    suggestions = similar(api(editor), vote)

    assert suggestions[0]["claim"]["id"] == same.pk
    assert suggestions[0]["claim"]["published_verdict"]["verdict"] == "true"
    assert weather.pk not in [s["claim"]["id"] for s in suggestions]


def test_claims_of_the_same_article_are_never_suggested(api, editor, vote):
    same_article = ClaimFactory(article=vote.article, exact="Eugene Kaspersky denied any link to the Kremlin")
    assert same_article.pk not in [s["claim"]["id"] for s in similar(api(editor), vote)]


def test_suggestions_come_best_first_with_scores_between_0_and_1(api, editor, vote):
    ClaimFactory(
        article=ArticleFactory(body="Officials said Kaspersky Lab software left government computers.", language="en"),
        exact="Kaspersky Lab software left government computers",
    )
    ClaimFactory(
        article=ArticleFactory(body=OTHER_EN_BODY, language="en"),
        exact="Lawmakers backed a ban on Kaspersky Lab software in government computers, 476 votes to 151",
    )
    scores = [s["score"] for s in similar(api(editor), vote)]
    assert len(scores) == 2
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_figures_are_read_alike_across_languages():
    assert figures("476 to 151, $94 million in 2017, 1,000 people") == {"476", "151", "94", "2017", "1000"}
    assert figures("476 voti e 151 contrari, 94mil dollari nel 2017, 1.000 persone") == {
        "476", "151", "94", "2017", "1000"
    }  # fmt: skip


def test_names_are_capitalised_words_inside_a_sentence_and_acronyms():
    assert names("The House banned Kaspersky software. The FBI agreed.") == {"house", "kaspersky", "fbi"}


def test_viewers_are_suggested_only_claims_with_a_published_verdict(api, editor, reviewer, viewer, vote):
    italian = ArticleFactory(body=IT_BODY, language="it")
    unpublished = ClaimFactory(
        article=italian,
        exact="La Camera dei rappresentanti ha approvato con 476 voti favorevoli e 151 contrari il divieto del "
        "software di Kaspersky Lab nei computer del governo",
    )
    assert [s["claim"]["id"] for s in similar(api(reviewer), vote)] == [unpublished.pk]
    assert similar(api(viewer), vote) == []

    publish(make_annotation(unpublished, reviewer), editor)

    assert [s["claim"]["id"] for s in similar(api(viewer), vote)] == [unpublished.pk]


def test_blind_review_shows_no_unpublished_verdict_of_another_reviewer_in_suggestions(api, reviewer, vote):
    other = UserFactory(role="reviewer", username="other-reviewer")
    candidate = ClaimFactory(
        article=ArticleFactory(body=OTHER_EN_BODY, language="en"),
        exact="Lawmakers backed a ban on Kaspersky Lab software in government computers, 476 votes to 151",
    )
    annotation = make_annotation(candidate, other, key="false", rationale="Secret working notes")
    review.submit(annotation, actor=other)

    (suggestion,) = similar(api(reviewer), vote)

    assert suggestion["claim"]["id"] == candidate.pk
    assert suggestion["claim"]["published_verdict"] is None
    assert "Secret" not in str(suggestion)


def test_similar_runs_the_same_number_of_queries_for_one_suggestion_as_for_many(api, editor, reviewer, vote):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            count = len(similar(api(editor), vote))
        return len(context.captured_queries), count

    def add_paraphrase():
        claim = ClaimFactory(
            article=ArticleFactory(body=OTHER_EN_BODY, language="en"),
            exact="Lawmakers backed a ban on Kaspersky Lab software in government computers, 476 votes to 151",
        )
        publish(make_annotation(claim, reviewer), editor)

    add_paraphrase()
    one = queries()
    for _ in range(5):
        add_paraphrase()
    many = queries()

    assert (one[1], many[1]) == (1, 6)
    assert one[0] == many[0]


def test_similar_of_an_unknown_claim_is_404(api, editor):
    assert api(editor).get("/api/v1/claims/999999/similar/").status_code == 404


# Per text source: an English claim, and in the Italian article the same fact and two other claims. The
# seeds report the same US order in both languages; the fixture texts tell different stories, so their
# Italian article gets the English vote reported in Italian (appended, with its figures and names).
SAME_FACT_ACROSS_LANGUAGES = {
    "fixtures": {
        "appended": " Il consiglio ha votato 31 a 12 per rifare la gara del tunnel di Whitlock Civil.",
        "english": "The council this week voted 31 to 12 in favour of the motion",
        "same": "Il consiglio ha votato 31 a 12 per rifare la gara del tunnel di Whitlock Civil",
        "others": ("il progetto è già costato 94mil dollari", "Serra ha risposto che la società è pronta"),
    },
    "seeds": {
        "appended": "",
        "english": "All US government agencies were ordered to remove Kaspersky software last year",
        "same": "ha ordinato alle agenzie federali di rimuovere e non utilizzare i prodotti Kaspersky",
        "others": (
            "Kaspersky Lab aveva respinto ogni accusa arrivata da Washington",
            "nel 2017 sono stati spesi 94mil dollari",
        ),
    },
}


def test_the_same_fact_in_the_other_languages_article_is_suggested_first(api, editor, article_texts):
    case = SAME_FACT_ACROSS_LANGUAGES[article_texts.name]
    english_body = "\n".join(article_texts.read(article_texts.english))
    italian_body = "\n".join(article_texts.read(article_texts.italian)) + case["appended"]
    english = ClaimFactory(article=ArticleFactory(body=english_body, language="en"), exact=case["english"])
    italian = ArticleFactory(body=italian_body, language="it")
    same = ClaimFactory(article=italian, exact=case["same"])
    others = [ClaimFactory(article=italian, exact=exact) for exact in case["others"]]  # ranked below, if at all

    suggested = [s["claim"]["id"] for s in similar(api(editor), english)]

    assert suggested[0] == same.pk, [c.exact for c in others if c.pk == suggested[0]]
