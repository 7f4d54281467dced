"""The API's refusals are said in the Accept-Language of the request; the keys naming the field stay English."""

from .factories import ArticleFactory, ClaimFactory

ITALIAN = {"accept-language": "it"}


def test_a_search_too_short_to_run_is_refused_in_italian_naming_search(api, reviewer):
    response = api(reviewer).get("/api/v1/articles/?search=ab", headers=ITALIAN)
    assert response.status_code == 400
    assert response.json() == {"search": ["Scrivi almeno 3 caratteri per cercare."]}


def test_a_search_too_short_counts_its_characters_with_the_arabic_plural(api, reviewer):
    response = api(reviewer).get("/api/v1/articles/?search=ab", headers={"accept-language": "ar"})
    assert response.json() == {"search": ["اكتب 3 أحرف على الأقل للبحث."]}


def test_a_page_size_out_of_range_is_refused_in_italian_naming_page_size(api, reviewer):
    response = api(reviewer).get("/api/v1/articles/?page_size=0", headers=ITALIAN)
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Serve un numero intero da 1 a 200."]}


def test_a_confidence_out_of_range_is_refused_in_italian_naming_confidence(api, reviewer):
    claim = ClaimFactory()
    response = api(reviewer).post(
        f"/api/v1/claims/{claim.pk}/annotations/",
        {"verdict": "true", "confidence": 150},
        format="json",
        headers=ITALIAN,
    )
    assert response.status_code == 400
    assert response.json() == {"confidence": ["Il grado di certezza è un numero intero da 0 a 100."]}


def test_a_search_too_long_names_the_limit_and_the_length_sent_in_italian(api, reviewer):
    response = api(reviewer).get(f"/api/v1/claims/?q={'a' * 501}", headers=ITALIAN)
    assert response.status_code == 400
    assert response.json() == {"q": ["Una ricerca è al massimo di 500 caratteri (inviati: 501)."]}


def test_a_missing_version_names_the_annotation_and_the_number_in_italian(api, editor, reviewer):
    claim = ClaimFactory()
    created = api(reviewer).post(
        f"/api/v1/claims/{claim.pk}/annotations/", {"verdict": "true", "confidence": 80}, format="json"
    )
    annotation = created.json()["id"]
    response = api(editor).get(f"/api/v1/annotations/{annotation}/diff/?from=1&to=7", headers=ITALIAN)
    assert response.status_code == 400
    assert response.json() == {"to": [f"La valutazione {annotation} non ha la versione 7."]}


def test_a_selector_quoting_words_not_in_the_article_is_refused_in_italian(api, reviewer):
    article = ArticleFactory(body="The council voted 31 to 12 on Tuesday.")
    selector = [{"type": "TextQuoteSelector", "exact": "voted 40 to 3"}]
    response = api(reviewer).post(
        f"/api/v1/articles/{article.pk}/claims/", {"selector": selector}, format="json", headers=ITALIAN
    )
    assert response.status_code == 400
    assert response.json() == {"selector.exact": ["La citazione 'voted 40 to 3' non compare nel testo dell'articolo."]}


def test_without_accept_language_the_refusal_stays_in_english(api, reviewer):
    response = api(reviewer).get("/api/v1/articles/?search=ab")
    assert response.json() == {"search": ["Type at least 3 characters to search."]}
