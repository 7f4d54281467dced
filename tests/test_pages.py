"""The browser pages as the server renders them: access, lists, adding articles, the reader's
highlights, escaping, the Content-Security-Policy and query counts."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from annotations import review
from annotations.models import Article

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db


class PageElements(HTMLParser):
    """What a browser would build from a page: every element's attributes, in order, and the
    text content of the reader's body element."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.body_text = ""
        self._body_depth = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if self._body_depth or attributes.get("id") == "article-body":
            self._body_depth += 1

    def handle_endtag(self, tag):
        if self._body_depth:
            self._body_depth -= 1

    def handle_data(self, data):
        if self._body_depth:
            self.body_text += data

    def find(self, tag: str, **attributes) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag and attributes.items() <= attrs.items()]


def body_text(page: str) -> str:
    """The text content of the reader's body element, as the browser would see it."""
    return PageElements(page).body_text


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_account_without_a_role_is_refused(browser_client):
    assert browser_client(UserFactory()).get("/").status_code == 403


def test_article_list_searches_and_counts_unreviewed_claims(browser_client, reviewer, editor):
    tram = ArticleFactory(title="Tram extension approved")
    ArticleFactory(title="Harbour dredging resumes")
    ClaimFactory(article=tram, exact="voted 31 to 12")
    publish(make_annotation(ClaimFactory(article=tram, exact="fully funded"), reviewer), editor)

    response = browser_client(reviewer).get("/", {"q": "tram"})

    assert (response.context["total"].count, response.context["total"].exact) == (1, True)
    assert "1 article" in response.content.decode()
    [row] = response.context["page"]
    assert (row.title, row.claim_count, row.unreviewed_count) == ("Tram extension approved", 2, 1)


def test_article_list_filters_by_language_and_unreviewed_claims(browser_client, reviewer):
    ClaimFactory(article=ArticleFactory(title="English with a claim", language="en"))
    ArticleFactory(title="English without claims", language="en")
    ArticleFactory(title="Articolo italiano", language="it")
    client = browser_client(reviewer)

    # The titles listed (the page also names languages in its language switcher, "English" among them).
    italian = [row.title for row in client.get("/", {"language": "it"}).context["page"]]
    unreviewed = [row.title for row in client.get("/", {"unreviewed": "1"}).context["page"]]

    assert italian == ["Articolo italiano"]
    assert unreviewed == ["English with a claim"]


def test_editor_adds_an_article_by_pasting_text(browser_client, editor):
    response = browser_client(editor).post(
        "/articles/add/",
        {"title": "Pasted", "body": "Caf\u00e9 prices rose 4%.", "language": "en", "publisher": "Desk"},
    )

    article = Article.objects.get(title="Pasted")
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"
    assert (article.body, article.publisher, article.created_by) == ("Caf\u00e9 prices rose 4%.", "Desk", editor)


def test_editor_adds_an_article_from_a_text_file(browser_client, editor):
    upload = SimpleUploadedFile("story.txt", b"Budget approved\n\nThe budget grew by 3%.\n")

    browser_client(editor).post("/articles/add/", {"file": upload, "language": "it"})

    article = Article.objects.get(title="Budget approved")
    assert (article.body, article.language) == ("The budget grew by 3%.", "it")


def test_invalid_article_shows_the_field_and_adds_nothing(browser_client, editor):
    response = browser_client(editor).post("/articles/add/", {"title": "No text", "body": " ", "language": "en"})

    assert response.status_code == 200
    assert [(error["field"], error["message"]) for error in response.context["errors"]] == [
        ("body", "The body must not be blank.")
    ]
    assert "The body must not be blank." in response.content.decode()
    assert not Article.objects.exists()


def test_reviewer_cannot_add_articles(browser_client, reviewer):
    assert browser_client(reviewer).get("/articles/add/").status_code == 403


def test_reader_body_text_is_exactly_the_article_body(browser_client, reviewer):
    body = "A \U0001f68b tram <costs> \u20ac180m & more.\n\nSecond paragraph: 31 to 12."
    article = ArticleFactory(body=body)
    ClaimFactory(article=article, exact="tram <costs>")
    ClaimFactory(article=article, exact="31 to 12")

    page = browser_client(reviewer).get(f"/articles/{article.pk}/").content.decode()

    assert body_text(page) == body
    assert "tram &lt;costs&gt;" in page


def test_overlapping_claims_share_segments_that_name_both(browser_client, reviewer, editor):
    article = ArticleFactory(body="The mayor said the project is fully funded by grants.")
    outer = ClaimFactory(article=article, exact="the project is fully funded by grants")
    inner = ClaimFactory(article=article, exact="fully funded")
    publish(make_annotation(inner, reviewer, key="false"), editor)

    response = browser_client(reviewer).get(f"/articles/{article.pk}/")

    o, i = outer.pk, inner.pk
    segments = [
        f'<span class="hl" data-claims="{o}" data-claim="{o}" data-verdict="none">the project is </span>',
        f'<span class="hl hl-overlap" data-claims="{o} {i}" data-claim="{i}" data-verdict="false">fully funded</span>',
        f'<span class="hl" data-claims="{o}" data-claim="{o}" data-verdict="none"> by grants</span>',
    ]
    for segment in segments:
        SimpleTestCase().assertContains(response, segment, count=1, html=True)
    spans = PageElements(response.content.decode()).find("span")
    assert [span["data-claim"] for span in spans if "hl" in span.get("class", "").split()] == [str(o), str(i), str(o)]


def test_reader_escapes_text_and_never_links_a_non_http_source(browser_client, reviewer):
    article = ArticleFactory(title="<script>alert(1)</script>")
    # The services refuse such a link; one that reached the database some other way is still never linked.
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(2)")
    ClaimFactory(article=article, claimant="</script><script>alert(3)</script>")

    page = browser_client(reviewer).get(f"/articles/{article.pk}/").content.decode()

    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reader_queries_do_not_grow_with_the_number_of_claims(browser_client, reviewer, editor):
    words = [f"w{n}x" for n in range(40)]
    article = ArticleFactory(body=" ".join(words))
    client = browser_client(reviewer)
    ClaimFactory(article=article, exact=words[0])
    client.get(f"/articles/{article.pk}/")  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        client.get(f"/articles/{article.pk}/")
    for word in words[1:]:
        claim = ClaimFactory(article=article, exact=word)
        if word.endswith("0"):
            publish(make_annotation(claim, reviewer), editor)

    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/articles/{article.pk}/")

    assert response.content.decode().count('class="hl') == 40
    assert len(many) == len(one)


@pytest.mark.parametrize("path", ["/", "/articles/{id}/", "/exports/", "/review/", "/login/"])
def test_pages_allow_only_their_own_scripts_and_styles(browser_client, editor, path):
    article = ArticleFactory()
    response = browser_client(editor).get(path.format(id=article.pk))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    elements = PageElements(response.content.decode()).elements
    inline_scripts = [
        a for tag, a in elements if tag == "script" and "src" not in a and a.get("type") != "application/json"
    ]
    assert inline_scripts == []
    assert [(tag, a) for tag, a in elements if "style" in a] == []
    assert [(tag, a) for tag, a in elements if any(name.startswith("on") for name in a)] == []
    assert [tag for tag, _ in elements if tag == "style"] == []


def test_review_queue_lists_submitted_annotations_for_editors(browser_client, reviewer, editor):
    waiting = make_annotation(ClaimFactory(exact="voted 31 to 12"), reviewer, key="mixed")
    review.submit(waiting, actor=reviewer)
    make_annotation(ClaimFactory(exact="fully funded"), reviewer)  # still a draft

    page = browser_client(editor).get("/review/").content.decode()

    assert "1 annotation waiting" in page
    assert f"?claim={waiting.claim_id}&amp;annotation={waiting.pk}" in page
    assert "Mixed" in page and "fully funded" not in page


def test_review_queue_and_exports_are_for_editors(browser_client, reviewer):
    client = browser_client(reviewer)
    assert client.get("/review/").status_code == 403
    assert client.get("/exports/").status_code == 403


def test_verdict_stylesheet_colours_come_from_the_rating_scale(client):
    css = client.get("/verdicts.css")

    assert css["Content-Type"].startswith("text/css")
    assert '.hl[data-verdict="false"]{background:rgba(198,40,40,.18);border-bottom:2px solid #c62828}' in (
        css.content.decode()
    )


def test_menu_offers_the_review_queue_and_exports_to_editors_only(browser_client, reviewer, editor):
    reviewer_page = browser_client(reviewer).get("/").content.decode()
    editor_page = browser_client(editor).get("/").content.decode()

    assert 'href="/review/"' not in reviewer_page and 'href="/exports/"' not in reviewer_page
    assert 'href="/review/"' in editor_page and 'href="/exports/"' in editor_page


def test_article_list_pages_keep_the_search(browser_client):
    for n in range(51):
        ArticleFactory(title=f"Tram report {n}", language="en")
    client = browser_client(UserFactory(role="reviewer"))
    first = client.get("/?q=tram&language=en")
    older = first.context["pager"]["next"]
    assert older.startswith("q=tram&language=en&cursor=") and not first.context["pager"]["previous"]
    second = client.get(f"/?{older}")
    titles = [article.title for article in first.context["page"]] + [a.title for a in second.context["page"]]
    assert sorted(titles) == sorted(f"Tram report {n}" for n in range(51))
    assert not second.context["pager"]["next"] and second.context["pager"]["previous"]
