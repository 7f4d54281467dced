"""Discussion on a claim: threads, safe Markdown-lite, edits with history, tombstones, mentions, blind review."""

import pytest

from annotations import comments, review
from annotations.models import Notification
from tests.factories import ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db


def url(claim) -> str:
    return f"/api/v1/claims/{claim.pk}/comments/"


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def other(db):
    return UserFactory(role="reviewer", username="other")


def bodies(response) -> list[str]:
    return [row["body"] for row in response.json()["results"]]


def test_a_reviewer_comments_and_replies_in_a_thread(api, reviewer, editor, claim):
    first = api(editor).post(url(claim), {"body": "Which budget line?"}, format="json").json()
    reply = api(reviewer).post(url(claim), {"body": "Line 4.", "parent": first["id"]}, format="json")
    assert reply.status_code == 201
    assert reply.json()["parent"] == first["id"]


def test_markdown_lite_renders_links_emphasis_and_quotes(api, reviewer, claim):
    body = "> the minutes\n\nSee **page 3** of [the minutes](https://example.org/m)"
    html = api(reviewer).post(url(claim), {"body": body}, format="json").json()["html"]
    assert "<blockquote>" in html and "<strong>page 3</strong>" in html
    assert '<a href="https://example.org/m" rel="noopener noreferrer nofollow">the minutes</a>' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_raw_html_and_script_links_in_a_comment_are_inert(api, reviewer, claim, payload):
    html = api(reviewer).post(url(claim), {"body": payload}, format="json").json()["html"]
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert '<a href="javascript' not in html


def test_a_blank_comment_is_refused_naming_the_body(api, reviewer, claim):
    response = api(reviewer).post(url(claim), {"body": "   "}, format="json")
    assert response.status_code == 400 and "body" in response.json()


def test_a_reply_to_a_comment_of_another_claim_is_refused(api, reviewer, claim):
    elsewhere = comments.add_comment(
        ClaimFactory(article=claim.article, exact="fully funded"), author=reviewer, body="x"
    )
    response = api(reviewer).post(url(claim), {"body": "y", "parent": elsewhere.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_the_author_edits_and_the_old_text_is_kept(api, reviewer, claim):
    comment = comments.add_comment(claim, author=reviewer, body="first words")
    api(reviewer).patch(f"/api/v1/comments/{comment.pk}/", {"body": "second words"}, format="json")
    history = api(reviewer).get(f"/api/v1/comments/{comment.pk}/revisions/").json()["results"]
    assert [row["body"] for row in history] == ["first words"]
    assert bodies(api(reviewer).get(url(claim))) == ["second words"]


def test_only_the_author_edits_a_comment(api, editor, reviewer, claim):
    comment = comments.add_comment(claim, author=reviewer, body="mine")
    assert api(editor).patch(f"/api/v1/comments/{comment.pk}/", {"body": "no"}, format="json").status_code == 403


def test_an_editor_deletes_a_comment_as_a_tombstone(api, editor, reviewer, claim):
    comment = comments.add_comment(claim, author=reviewer, body="regrettable")
    api(editor).delete(f"/api/v1/comments/{comment.pk}/")
    row = api(reviewer).get(url(claim)).json()["results"][0]
    assert (row["id"], row["deleted"], row["body"], row["html"]) == (comment.pk, True, "", "")


def test_a_reviewer_cannot_delete_a_comment(api, reviewer, claim):
    comment = comments.add_comment(claim, author=reviewer, body="mine")
    assert api(reviewer).delete(f"/api/v1/comments/{comment.pk}/").status_code == 403


def test_a_viewer_reads_no_discussion(api, viewer, reviewer, claim):
    comments.add_comment(claim, author=reviewer, body="internal")
    assert api(viewer).get(url(claim)).status_code == 403


def test_a_mention_notifies_exactly_the_named_person_once(api, reviewer, other, claim):
    UserFactory(role="reviewer", username="bystander")
    api(reviewer).post(url(claim), {"body": "@other look, @other: and @nobody"}, format="json")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("other", "mentioned")]


def test_a_mention_is_marked_in_the_rendering(api, reviewer, other, claim):
    html = api(reviewer).post(url(claim), {"body": "ask @other"}, format="json").json()["html"]
    assert '<strong class="mention">@other</strong>' in html


# ------------------------------------------------------------ blind review, on every route


@pytest.fixture
def others_comment(claim, other):
    """`other` annotated and submitted the claim, and discussed it."""
    review.submit(make_annotation(claim, other, key="false"), actor=other)
    return comments.add_comment(claim, author=other, body="I rated it false")


def test_a_reviewer_who_has_not_submitted_reads_no_other_reviewers_comment(api, reviewer, claim, others_comment):
    assert bodies(api(reviewer).get(url(claim))) == []


def test_a_reviewer_cannot_reply_to_a_comment_hidden_from_them(api, reviewer, claim, others_comment):
    response = api(reviewer).post(url(claim), {"body": "x", "parent": others_comment.pk}, format="json")
    assert response.status_code == 400


def test_a_hidden_comment_cannot_be_edited_deleted_or_its_history_read(api, reviewer, others_comment):
    client = api(reviewer)
    assert client.patch(f"/api/v1/comments/{others_comment.pk}/", {"body": "x"}, format="json").status_code == 404
    assert client.get(f"/api/v1/comments/{others_comment.pk}/revisions/").status_code == 404


def test_a_reviewer_reads_others_comments_once_they_submitted_their_own(api, reviewer, claim, others_comment):
    review.submit(make_annotation(claim, reviewer), actor=reviewer)
    assert bodies(api(reviewer).get(url(claim))) == ["I rated it false"]


def test_editors_comments_on_a_claim_are_read_by_every_reviewer(api, editor, reviewer, claim):
    comments.add_comment(claim, author=editor, body="Check the council minutes.")
    assert bodies(api(reviewer).get(url(claim))) == ["Check the council minutes."]


def test_a_comment_on_a_verdict_version_is_hidden_like_the_verdict(api, editor, reviewer, claim, other):
    annotation = make_annotation(claim, other, key="false")
    review.submit(annotation, actor=other)
    version = annotation.versions.get(number=1)
    comments.add_comment(claim, author=editor, body="Good sources", version=version.pk)
    assert bodies(api(reviewer).get(url(claim))) == []


def test_editors_read_every_comment(api, editor, claim, others_comment):
    assert bodies(api(editor).get(url(claim))) == ["I rated it false"]
