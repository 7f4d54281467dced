"""Articles fetched from the web read like the page: the headline is the title, not the body's first
line; the standfirst is in the body once; the byline's author is stored and shown.

The pages are served from 127.0.0.2 (allowed by FACTCHECK_FETCH_ALLOW_HOSTS), never beyond loopback.
"""

from pathlib import Path

import pytest
from pytest_django.asserts import assertContains

from annotations.fetching import jobs
from annotations.fetching.extraction import extract_article, without_repeated_heading
from annotations.models import Article

from .factories import ArticleFactory
from .test_fetching import ALLOWED, _free_site

PAGES = Path(__file__).parent / "pages"
STANDFIRST_HTML = (PAGES / "standfirst.html").read_bytes()
NEWS_HTML = (PAGES / "news.html").read_bytes()
HEADLINE = "Ferry fares to double from June"
STANDFIRST = "The operator blames fuel costs, while councillors call for an inquiry into the contract."

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED, "FETCH_TIMEOUT_S": 5}
    news = _free_site("127.0.0.2")
    yield news
    news.close()


@pytest.fixture
def fetched(api, editor, site, django_capture_on_commit_callbacks):
    """fetched(path, html) -> the Article the fetch job created from that page."""

    def fetch(path: str, html: bytes) -> Article:
        with django_capture_on_commit_callbacks():
            response = api(editor).post("/api/v1/articles/fetch/", {"url": site.page(path, html)}, format="json")
        assert response.status_code == 202, response.content
        jobs.run_fetch_job(response.json()["id"])
        job = api(editor).get(f"/api/v1/articles/fetches/{response.json()['id']}/").json()
        assert job["status"] == "succeeded", job
        return Article.objects.get(pk=job["article"])

    return fetch


def test_the_headline_is_the_title_and_not_the_first_line_of_the_body(fetched):
    article = fetched("/ferry", STANDFIRST_HTML)
    assert article.title == HEADLINE
    assert not article.body.startswith(HEADLINE)
    assert HEADLINE not in article.body


def test_the_standfirst_opens_the_body_once(fetched):
    article = fetched("/ferry", STANDFIRST_HTML)
    assert article.body.startswith(STANDFIRST + "\n")
    assert article.body.count(STANDFIRST) == 1


def test_the_bylines_author_is_stored_on_the_article(fetched):
    article = fetched("/ferry", STANDFIRST_HTML)
    assert article.author == "Tom Ashby"
    assert not article.body.startswith("By ")


def test_the_author_from_json_ld_metadata_is_stored(fetched):
    article = fetched("/tram", NEWS_HTML)
    assert article.author == "Maria Keane"
    assert article.body.startswith("The city council voted 31 to 12")


def test_the_article_api_shows_the_author(api, editor, fetched):
    article = fetched("/ferry", STANDFIRST_HTML)
    assert api(editor).get(f"/api/v1/articles/{article.pk}/").json()["author"] == "Tom Ashby"


def test_the_reader_shows_the_author(browser_client, editor, fetched):
    article = fetched("/ferry", STANDFIRST_HTML)
    response = browser_client(editor).get(f"/articles/{article.pk}/")
    assertContains(response, '<span class="author">By Tom Ashby</span>', html=True)


def test_an_article_typed_in_through_the_api_may_name_its_author(api, editor):
    response = api(editor).post(
        "/api/v1/articles/",
        {"title": "T", "body": "Some text.", "language": "en", "author": "  Ana Lima  "},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Article.objects.get(pk=response.json()["id"]).author == "Ana Lima"


def test_an_article_without_an_author_has_an_empty_one(api, editor):
    article = ArticleFactory()
    assert api(editor).get(f"/api/v1/articles/{article.pk}/").json()["author"] == ""


def test_a_standfirst_repeated_right_after_itself_is_kept_once():
    body = f"{HEADLINE}\n{STANDFIRST}\n{STANDFIRST}\nFirst paragraph."
    assert without_repeated_heading(body, [HEADLINE]) == f"{STANDFIRST}\nFirst paragraph."


def test_a_headline_later_in_the_text_is_not_touched():
    body = f"First paragraph.\n{HEADLINE}\nMore."
    assert without_repeated_heading(body, [HEADLINE]) == body


def test_extraction_reads_the_page_without_the_headline():
    extracted = extract_article(STANDFIRST_HTML, "https://harbour-post.example/ferry")
    assert (extracted.title, extracted.author) == (HEADLINE, "Tom Ashby")
    assert extracted.body.split("\n")[0] == STANDFIRST
