"""Every text cell of every CSV export path is safe to open in a spreadsheet, under the documented header."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from annotations.exports import jobs
from annotations.exports.cells import version_cells
from annotations.models import Article, Claim, ExportJob, Verdict

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish, store_raw_rationale

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/verdicts.csv"
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
TEXT_COLUMNS = {
    "claim_text": "claim text",
    "claimant": "claimant",
    "article_title": "title",
    "article_url": "https://news.example.org/a",
    "publisher": "publisher",
    "language": "en",
    "verdict": "false",
    "rationale": "rationale",
    "reviewer": "reviewer",
    "approved_by": "editor",
}


def parse(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"), newline="")))


def streamed(client, params) -> bytes:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def job_file(editor, params, tmp_path, settings) -> bytes:
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    filters = {name: value for name, value in params.items() if name != "as_of"}
    job = ExportJob.objects.create(format="csv", filters=filters, as_of=params.get("as_of"), created_by=editor)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return (tmp_path / job.file).read_bytes()


def every_text_cell_starting_with(prefix: str):
    """A published verdict whose every text column starts with `prefix`; returns the editor.

    Usernames may start with @, + or - (Django allows them); the rest get there through the
    admin or an import, so the rows are written directly where no form would let them in."""
    editor = UserFactory(role="editor", username=f"{prefix}editor")
    reviewer = UserFactory(role="reviewer", username=f"{prefix}reviewer")
    article = ArticleFactory(title="title", publisher="publisher", body="A claim text here.")
    claim = ClaimFactory(article=article, exact="claim text", claimant="claimant")
    annotation = make_annotation(claim, reviewer, key="false", rationale="rationale")
    store_raw_rationale(annotation, f"{prefix}rationale")  # the service trims a leading tab or CR
    publish(annotation, editor)
    # The services trim titles and claimants and turn CR into LF: a leading tab or CR never gets in
    # through them, so these are written directly.
    Article.objects.filter(pk=article.pk).update(
        title=f"{prefix}title",
        publisher=f"{prefix}publisher",
        url=f"{prefix}https://news.example.org/a",
        language=f"{prefix}en",
    )
    Claim.objects.filter(pk=claim.pk).update(exact=f"{prefix}claim text", claimant=f"{prefix}claimant")
    Verdict.objects.filter(key="false").update(key=f"{prefix}false")
    return editor


PATHS = {
    "published": lambda: {},
    "as_of": lambda: {"as_of": timezone.now().isoformat()},
    "versions_all": lambda: {"versions": "all"},
    "versions_all_as_of": lambda: {"versions": "all", "as_of": timezone.now().isoformat()},
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_every_text_cell_starting_like_a_formula_gets_a_leading_apostrophe(api, path, prefix, tmp_path, settings):
    editor = every_text_cell_starting_with(prefix)
    params = PATHS[path]()
    for content in (streamed(api(editor), params), job_file(editor, params, tmp_path, settings)):
        (row,) = parse(content)
        cells = {name: row[name] for name in TEXT_COLUMNS}
        assert cells == {name: f"'{prefix}{value}" for name, value in TEXT_COLUMNS.items()}


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_evidence_url_cell_starting_like_a_formula_gets_a_leading_apostrophe(prefix):
    # The service accepts only http(s) URLs; versions imported from older data need not, and their cell
    # is written with the version.
    cells = version_cells(
        rationale="", evidence=[{"url": f"{prefix}cmd"}, {"url": "https://b.example.org"}], created_at=timezone.now()
    )
    assert cells["evidence_urls_cell"] == f"'{prefix}cmd https://b.example.org"


def test_header_is_the_21_documented_columns_in_order(api, editor, reviewer):
    publish(make_annotation(ClaimFactory(), reviewer), editor)
    content = streamed(api(editor), {})
    header = content.split(b"\r\n", 1)[0].decode()
    assert header == (
        "claim_id,claim_text,claimant,claim_date,article_id,article_title,article_url,publisher,language,"
        "published_at,verdict,rating_value,confidence,rationale,evidence_urls,reviewer,status,version,"
        "annotated_at,approved_by,approved_at"
    )
    assert header.count(",") == 20


def test_instants_are_iso_8601_utc_with_microseconds(api, editor, reviewer):
    publish(make_annotation(ClaimFactory(), reviewer), editor)
    (row,) = parse(streamed(api(editor), {}))
    for name in ("annotated_at", "approved_at"):
        assert row[name].endswith("Z") and len(row[name]) == len("2026-01-01T00:00:00.000000Z")
        datetime.datetime.strptime(row[name], "%Y-%m-%dT%H:%M:%S.%fZ")
