"""The published-rows export (issue 11): the same bytes as before, rows that follow the history, one snapshot."""

import csv
import datetime
import io
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import articles, review, versioning, words
from annotations import claims as claims_service
from annotations.exceptions import DomainConflict, NotAllowed
from annotations.exports.csv import stream_csv
from annotations.exports.query import parse_filters
from annotations.models import Annotation, Claim, Publication, PublishedExportRow

from .export_fixture import every_kind_of_cell
from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish, verdict

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


RATIONALES = ["", "=SUM(A1)", "plain", "-minus", "@at", "\ttab", "line\nbreak 🙂"]
# Revisions of the article: the first claim is found again exactly, moved, or changed (a fuzzy re-anchoring).
BODIES = [
    "The council voted 31 to 12 on Tuesday. The mayor said the project is funded.",
    "Late news. The council voted 31 to 12 on Tuesday. The mayor said the project is funded.",
    "The council voted 32 to 12 on Tuesday. The mayor said the project is funded.",
]
EVIDENCE = [
    [],
    [{"url": "https://a.example.org/1", "stance": "supports"}],
    [{"url": "https://b.example.org/2", "stance": "refutes"}, {"url": "https://c.example.org/3", "stance": "context"}],
]
ANNOTATION = (st.integers(0, 1), st.integers(0, 1))  # which claim, which reviewer
step = st.one_of(
    st.tuples(st.sampled_from(["submit", "approve", "reject", "submit and approve"]), *ANNOTATION),
    st.tuples(
        st.just("edit"),
        *ANNOTATION,
        st.sampled_from(["true", "false", "mixed"]),
        st.integers(0, len(RATIONALES) - 1),
        st.integers(0, len(EVIDENCE) - 1),
    ),
    st.tuples(st.just("revert"), *ANNOTATION, st.integers(1, 4)),
    # What the export shows of the claim and the article, changed after (or before) the approval.
    st.tuples(st.just("claim"), *ANNOTATION, st.sampled_from(["", "=Mayor", "Council"]), st.integers(0, 2)),
    st.tuples(st.just("article"), *ANNOTATION, st.sampled_from(["+Renamed", "Plain"]), st.sampled_from(["en", "it"])),
    st.tuples(st.just("body"), *ANNOTATION, st.integers(0, len(BODIES) - 1)),
    # An editor's decision on changed words: the verdict still holds, or re-open (withdrawn or not).
    st.tuples(st.sampled_from(["holds", "reopen", "reopen and withdraw"]), *ANNOTATION),
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_maintained_rows_equal_a_recomputation_from_the_history(editor, steps):
    with transaction.atomic():
        reviewers = [UserFactory(role="reviewer", username=name) for name in ("-first", "second")]
        article = ArticleFactory(body=BODIES[0])
        claims = [ClaimFactory(article=article, exact=exact) for exact in ("voted 31 to 12", "The mayor said")]
        notes = {(c, r): make_annotation(claims[c], reviewers[r]) for c in range(2) for r in range(2)}
        publish(notes[0, 0], editor)  # so that the steps change a claim and an article with a published verdict
        for kind, c, r, *more in steps:
            annotation = Annotation.objects.get(pk=notes[c, r].pk)
            try:
                if kind == "submit":
                    review.submit(annotation, actor=reviewers[r])
                elif kind in ("approve", "reject"):
                    getattr(review, kind)(annotation, actor=editor)
                elif kind == "submit and approve":
                    review.submit(annotation, actor=reviewers[r])
                    review.approve(annotation, actor=editor)
                elif kind == "edit":
                    key, rationale, evidence = more
                    versioning.append_version(annotation, based_on=annotation.version, author=reviewers[r],
                                              verdict=verdict(key), rationale=RATIONALES[rationale],
                                              evidence=EVIDENCE[evidence])  # fmt: skip
                elif kind == "claim":
                    claimant, days = more
                    claim_date = datetime.date(2024, 5, 1) + datetime.timedelta(days=days) if days else None
                    claims_service.update_claim(claims[c], claimant=claimant, claim_date=claim_date)
                elif kind == "article":
                    title, language = more
                    articles.update_article(article, title=title, language=language, publisher=title[1:])
                elif kind == "body":
                    articles.add_revision(article, BODIES[more[0]], source="typed")
                elif kind in ("holds", "reopen", "reopen and withdraw"):
                    words.decide(claims[c], decision=kind.split()[0], actor=editor, withdraw=kind.endswith("withdraw"))
                elif more[0] <= annotation.version:
                    versioning.revert(annotation, to=more[0], based_on=annotation.version, author=reviewers[r])
            except (DomainConflict, NotAllowed):
                pass  # a step the workflow refuses changes nothing; the next steps go on
            assert _maintained_rows() == _expected_rows()
        transaction.set_rollback(True)


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
