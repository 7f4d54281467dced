"""The interface language: the person's choice, else Accept-Language, else FACTCHECK_DEFAULT_LANGUAGE;
dates and numbers in that language; right-to-left articles and interface; messages in people's words."""

import datetime

import pytest
from django.utils import translation

from annotations import people
from factcheck import localformat
from factcheck.language import direction_of

from .factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    head = response.content.decode()[:200]
    return head.split('<html lang="', 1)[1].split('"', 1)[0]


# ---------- choosing the language ----------


def test_login_page_follows_the_browsers_accept_language(client):
    response = client.get("/login/", headers={"accept-language": "it-IT,it;q=0.9,en;q=0.5"})
    assert html_lang(response) == "it"
    assert "Accedi" in response.content.decode()


def test_without_a_choice_or_accept_language_the_desks_default_language_is_used(client, settings):
    settings.LANGUAGE_CODE = "fr"
    assert html_lang(client.get("/login/")) == "fr"


def test_a_persons_saved_language_wins_over_accept_language(browser_client, reviewer):
    people.update_profile(reviewer, language="de")
    response = browser_client(reviewer).get("/", headers={"accept-language": "it"})
    assert html_lang(response) == "de"
    assert "<h1>Artikel</h1>" in response.content.decode()


def test_the_switcher_keeps_the_choice_on_the_account_and_returns_to_the_page(browser_client, reviewer):
    response = browser_client(reviewer).post("/language/", {"language": "pt", "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    assert people.profile_of(reviewer).language == "pt"


def test_the_chosen_language_survives_logging_out_and_in_again(client, reviewer):
    client.post("/login/", {"username": reviewer.username, "password": PASSWORD})
    client.post("/language/", {"language": "it", "next": "/"})
    client.post("/logout/")
    client.cookies.clear()  # a new browser: only the account remembers
    client.post("/login/", {"username": reviewer.username, "password": PASSWORD})
    response = client.get("/")
    assert html_lang(response) == "it"
    assert "Articoli" in response.content.decode()


def test_the_switcher_refuses_a_language_the_interface_does_not_speak(browser_client, reviewer):
    response = browser_client(reviewer).post("/language/", {"language": "tlh", "next": "/"})
    assert response.status_code == 400
    assert people.profile_of(reviewer).language == ""


def test_the_switcher_never_redirects_to_another_site(browser_client, reviewer):
    response = browser_client(reviewer).post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_visitor_choice_on_the_login_page_is_remembered_by_a_cookie(client):
    client.post("/language/", {"language": "es", "next": "/login/"})
    assert html_lang(client.get("/login/")) == "es"


def test_api_messages_follow_accept_language_while_field_names_stay_english(api, editor):
    response = api(editor).post(
        "/api/v1/articles/", {"title": " ", "body": "Testo."}, format="json", headers={"accept-language": "it"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == ["Questo campo non può essere omesso."]


def test_the_javascript_catalogue_is_served_in_the_pages_language(client):
    script = client.get("/jsi18n/", headers={"accept-language": "it"}).content.decode()
    assert "Nuova affermazione" not in script  # that one is a template string
    assert "Salvataggio\\u2026" in script or "Salvataggio…" in script


# ---------- dates and numbers ----------

DAY = datetime.date(2026, 12, 4)
DATES = {"en": "Dec 4, 2026", "it": "4 dic 2026", "es": "4 dic 2026", "fr": "4 déc. 2026", "de": "04.12.2026",
         "pt": "4 de dez. de 2026", "ar": "04\u200f/12\u200f/2026"}  # fmt: skip
NUMBERS = {"en": "1,234.5", "it": "1.234,5", "es": "1.234,5", "fr": "1\u202f234,5", "de": "1.234,5", "pt": "1.234,5",
           "ar": "1,234.5"}  # fmt: skip


@pytest.mark.parametrize("language", list(DATES))
def test_a_date_is_written_the_way_the_language_writes_it(language):
    with translation.override(language):
        assert localformat.format_date(DAY) == DATES[language]


@pytest.mark.parametrize("language", list(NUMBERS))
def test_a_number_is_written_with_the_languages_separators(language):
    with translation.override(language):
        assert localformat.format_number(1234.5) == NUMBERS[language]


def test_a_relative_time_is_said_in_the_language():
    now = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
    with translation.override("it"):
        assert localformat.format_since(now - datetime.timedelta(hours=3), now) == "3 ore fa"


def test_the_reader_writes_the_articles_date_in_the_persons_language(browser_client, reviewer):
    people.update_profile(reviewer, language="it")
    article = ArticleFactory(published_at=datetime.datetime(2026, 12, 4, 9, tzinfo=datetime.UTC))
    assert "4 dic 2026" in browser_client(reviewer).get(f"/articles/{article.pk}/").content.decode()


# ---------- right to left ----------


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("ar", "rtl"), ("ar-EG", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur-PK", "rtl"), ("pa-Arab", "rtl"),
     ("en", "ltr"), ("it", "ltr"), ("", "ltr")],
)  # fmt: skip
def test_which_way_a_language_runs(tag, direction):
    assert direction_of(tag) == direction


def test_an_arabic_article_is_shown_right_to_left_in_an_english_interface(browser_client, reviewer):
    article = ArticleFactory(language="ar", title="تقرير", body="قال الوزير إن 476 نائبًا صوتوا.")
    page = browser_client(reviewer).get(f"/articles/{article.pk}/").content.decode()
    assert 'id="article-body" class="article-body" lang="ar" dir="rtl"' in page
    assert '<html lang="en" dir="ltr">' in page


def test_the_interface_in_arabic_is_laid_out_right_to_left(browser_client, reviewer):
    people.update_profile(reviewer, language="ar")
    page = browser_client(reviewer).get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


# ---------- messages in people's words (issue 26) ----------


def test_the_add_article_page_names_the_fields_label_not_its_key(browser_client, editor):
    page = browser_client(editor).post("/articles/add/", {"title": "  ", "body": "Text.", "language": "en"})
    text = page.content.decode()
    assert "Title: The title must not be blank." in text
    assert "title: The title" not in text


def test_the_add_article_page_shows_the_message_next_to_its_field(browser_client, editor):
    page = browser_client(editor).post("/articles/add/", {"title": "  ", "body": "Text.", "language": "en"})
    text = page.content.decode()
    assert 'aria-invalid="true" aria-describedby="f-title-error"' in text
    assert '<p class="field-error" id="f-title-error">The title must not be blank.</p>' in text


def test_the_add_article_page_speaks_the_persons_language(browser_client, editor):
    people.update_profile(editor, language="it")
    page = browser_client(editor).post("/articles/add/", {"title": "  ", "body": "Testo.", "language": "it"})
    assert "Titolo: Il titolo non può essere vuoto." in page.content.decode()


def test_a_bad_dashboard_date_is_named_by_its_label(browser_client, editor):
    page = browser_client(editor).get("/dashboard/", {"date_from": "yesterday"}).content.decode()
    assert "From date: " in page and "date_from:" not in page


def test_the_article_count_is_plural_only_when_more_than_one(browser_client, reviewer):
    ArticleFactory(title="Solo")
    client = browser_client(reviewer)
    assert "1 article<" in client.get("/", {"q": "Solo"}).content.decode().replace("</p>", "<")


def test_the_lockout_message_is_in_the_persons_language(client, settings):
    user = UserFactory(username="locked", role="reviewer")
    settings.AXES_FAILURE_LIMIT = 1
    client.post("/login/", {"username": user.username, "password": "wrong"}, headers={"accept-language": "it"})
    response = client.post(
        "/login/", {"username": user.username, "password": "wrong"}, headers={"accept-language": "it"}
    )
    assert response.status_code == 429
    assert "Troppi accessi non riusciti" in response.content.decode()


def test_a_refusal_the_reader_shows_is_in_the_pages_language(api, reviewer):
    article = ArticleFactory(body="The council voted 31 to 12 on Tuesday.")
    selector = [{"type": "TextQuoteSelector", "exact": "voted 31 to 12"}]
    first = api(reviewer).post(f"/api/v1/articles/{article.pk}/claims/", {"selector": selector}, format="json")
    again = api(reviewer).post(
        f"/api/v1/articles/{article.pk}/claims/",
        {"selector": selector},
        format="json",
        headers={"accept-language": "it"},
    )
    assert again.status_code == 400
    assert again.json()["selector"] == [f"L'affermazione {first.json()['id']} copre già questo testo."]
