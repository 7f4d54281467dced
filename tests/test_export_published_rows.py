"""The published-rows export (issue 11): the same bytes as before, rows that follow the history, one snapshot."""

import csv
import datetime
import io
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection

from annotations import articles, review, words
from annotations import claims as claims_service
from annotations.exports.csv import stream_csv
from annotations.exports.filters import parse_filters
from annotations.models import Claim, Publication, PublishedExportRow

from .export_fixture import every_kind_of_cell
from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

URL = "/api/v1/exports/verdicts.csv"
EXPECTED = Path(__file__).parent / "data" / "export_every_cell"

CASES = {
    "published": lambda instants: {},
    "published_bom": lambda instants: {"bom": "1"},
    "as_of_middle": lambda instants: {"as_of": instants["middle"].isoformat()},
    "versions_all": lambda instants: {"versions": "all"},
    "versions_all_as_of_middle": lambda instants: {"versions": "all", "as_of": instants["middle"].isoformat()},
    "filtered": lambda instants: {"language": "it", "verdict": "mixed,true,false", "reviewer": "@reviewer"},
}


def fetch(client, params=None) -> bytes:
    response = client.get(URL, params or {})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"), newline="")))


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CASES))
def test_export_of_every_kind_of_cell_is_byte_identical_to_the_export_before_the_published_rows_table(api, case):
    # tests/data/export_every_cell/*.csv were written by the export as it was before issue 11.
    instants = every_kind_of_cell()
    editor = get_user_model().objects.get(username="-editor")
    assert fetch(api(editor), CASES[case](instants)) == (EXPECTED / f"{case}.csv").read_bytes()


@pytest.mark.django_db
def test_article_and_user_renamed_after_approval_show_their_new_names(api, editor, reviewer):
    claim = ClaimFactory(article=ArticleFactory(title="Old title", publisher="Old publisher"))
    publish(make_annotation(claim, reviewer), editor)
    articles.update_article(claim.article, title="=New title", url="https://new.example.org/a", publisher="New")
    get_user_model().objects.filter(pk=editor.pk).update(username="@chief")
    (row,) = rows(fetch(api(editor)))
    assert (row["article_title"], row["article_url"], row["publisher"]) == (
        "'=New title",
        "https://new.example.org/a",
        "New",
    )
    assert row["approved_by"] == "'@chief"


@pytest.mark.django_db
def test_claim_edited_and_reanchored_after_approval_keeps_its_judged_words_until_the_editor_decides(
    api, editor, reviewer
):
    article = ArticleFactory(body="The council voted 31 to 12 on Tuesday. The mayor said the project is funded.")
    claim = ClaimFactory(article=article, exact="voted 31 to 12")
    publish(make_annotation(claim, reviewer), editor)
    claims_service.update_claim(claim, claimant="=Council clerk", claim_date=datetime.date(2024, 5, 2))
    articles.add_revision(article, article.body.replace("31", "32"), source="typed")  # a fuzzy re-anchoring
    (row,) = rows(fetch(api(editor)))
    assert (row["claim_text"], row["claimant"], row["claim_date"]) == (
        "voted 31 to 12",
        "'=Council clerk",
        "2024-05-02",
    )


@pytest.mark.django_db
def test_claim_reanchored_after_approval_shows_its_new_text_once_the_verdict_holds(api, editor, reviewer):
    article = ArticleFactory(body="The council voted 31 to 12 on Tuesday. The mayor said the project is funded.")
    claim = ClaimFactory(article=article, exact="voted 31 to 12")
    publish(make_annotation(claim, reviewer), editor)
    articles.add_revision(article, article.body.replace("31", "32"), source="typed")
    words.decide(claim, decision="holds", actor=editor)
    (row,) = rows(fetch(api(editor)))
    assert row["claim_text"] == "voted 32 to 12"


def _expected_rows() -> dict[int, dict]:
    """The published rows recomputed from the history alone: each claim's newest publication decides.
    Cells are formatted here by hand, independently of the export code."""

    def cell(text):
        if not text:
            return None
        return "'" + text if text[0] in "=+-@\t\r" else text

    def instant(value):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None

    expected = {}
    for claim in Claim.objects.select_related("article"):
        newest = Publication.objects.filter(claim=claim).order_by("-id").select_related("version__annotation").first()
        if newest is None or newest.version is None:
            continue
        version = newest.version
        expected[claim.pk] = {
            "article_id": claim.article_id,
            "annotation_id": version.annotation_id,
            "version_id": version.pk,
            "verdict_id": version.verdict_id,
            "reviewer_id": version.annotation.reviewer_id,
            "approved_by_id": newest.actor_id,
            "approved_at": newest.created_at,
            "version_number": version.number,
            "confidence": version.confidence,
            "rationale_cell": cell(version.rationale),
            "evidence_urls_cell": cell(" ".join(item["url"] for item in version.evidence)),
            "annotated_at_cell": instant(version.created_at),
            "approved_at_cell": instant(newest.created_at),
            # The words the verdict judged while an editor has not decided on changed ones.
            "claim_text_cell": cell(claim.judged_exact if claim.judged_exact is not None else claim.exact),
            "claimant_cell": cell(claim.claimant),
            "claim_date_cell": claim.claim_date.isoformat() if claim.claim_date else None,
            "article_title_cell": cell(claim.article.title),
            "article_url_cell": cell(claim.article.url),
            "publisher_cell": cell(claim.article.publisher),
            "language_cell": cell(claim.article.language),
            "published_at_cell": instant(claim.article.published_at),
        }
    return expected


def _maintained_rows() -> dict[int, dict]:
    return {
        row.pop("claim_id"): row
        for row in PublishedExportRow.objects.values(
            "claim_id", "article_id", "annotation_id", "version_id", "verdict_id", "reviewer_id", "approved_by_id",
            "approved_at", "version_number", "confidence", "rationale_cell", "evidence_urls_cell",
            "annotated_at_cell", "approved_at_cell", "claim_text_cell", "claimant_cell", "claim_date_cell",
            "article_title_cell", "article_url_cell", "publisher_cell", "language_cell", "published_at_cell",
        )
    }  # fmt: skip


@pytest.mark.django_db
def test_rebuilt_rows_equal_an_independent_recomputation_of_the_cells(editor, reviewer):
    """The rebuild's SQL against the cells computed here in Python (tests/test_derived.py checks the
    maintained rows against the rebuild after random sequences of operations)."""
    from annotations import derived

    article = ArticleFactory(title="=Council", publisher="@Example")
    for exact, rationale in (("voted 31 to 12", "=SUM(A1)"), ("The mayor said", "line\nbreak 🙂")):
        evidence = [{"url": "https://a.example.org/1", "stance": "supports"}]
        publish(make_annotation(ClaimFactory(article=article, exact=exact), reviewer, rationale=rationale,
                                evidence=evidence), editor)  # fmt: skip
    derived.rebuild()
    assert _maintained_rows() == _expected_rows()


def _long_published_claims(editor, reviewer, count: int) -> list[Claim]:
    """Enough rows that the streamed export is still running (its queue full) after its first block."""
    claims = []
    for number in range(count):
        article = ArticleFactory(body=f"Claim {number:05d} says the budget rose. Filler text.")
        claim = ClaimFactory(article=article, exact=f"Claim {number:05d} says the budget rose")
        publish(make_annotation(claim, reviewer, rationale=f"{number:05d} " + "long rationale " * 2000), editor)
        claims.append(claim)
    return claims


@pytest.mark.django_db(transaction=True)
def test_export_is_one_snapshot_while_approvals_commit_on_another_connection(editor, reviewer):
    claims = _long_published_claims(editor, reviewer, 100)  # 3 MB of CSV
    waiting = ClaimFactory(article=claims[-1].article, exact="Filler text")
    newcomer = make_annotation(waiting, reviewer, rationale="approved during the export")
    review.submit(newcomer, actor=reviewer)
    filters = parse_filters({})
    before = b"".join(stream_csv(filters, connection=connection))

    blocks = stream_csv(filters, connection=connection)
    first = next(blocks)  # the COPY has started; its queue fills up and it waits for the reader
    assert len(first) < len(before) // 4

    def approve_and_withdraw_elsewhere() -> None:
        try:
            review.approve(newcomer, actor=editor)
            review.reject(claims[-1].annotations.get(), actor=editor)
            review.reject(claims[0].annotations.get(), actor=editor)
            articles.update_article(claims[-2].article, title="Renamed during the export")
        finally:
            close_old_connections()
            connection.close()  # this thread's own connection

    other = threading.Thread(target=approve_and_withdraw_elsewhere)
    other.start()
    other.join()
    during = first + b"".join(blocks)
    after = b"".join(stream_csv(filters, connection=connection))

    assert during == before
    after_ids = [row["claim_id"] for row in rows(after)]
    assert str(waiting.pk) in after_ids and str(claims[-1].pk) not in after_ids and str(claims[0].pk) not in after_ids
    assert "Renamed during the export" in after.decode()
