"""The CSV for spreadsheets: "For Excel", verdict labels, local dates, the evidence sheet, file names."""

import csv
import datetime
import io

import pytest
import time_machine

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

APPROVED = datetime.datetime(2026, 7, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)
EVIDENCE = [
    {"url": "https://stats.example.org/vote", "title": "Verbale", "publisher": "Comune", "quote": "=30 a 12",
     "stance": "refutes", "accessed": "2026-06-30"},
    {"url": "https://news.example.org/pubblicità", "title": "La pubblicità", "stance": "context"},
]  # fmt: skip


@pytest.fixture
def published(editor, reviewer):
    article = ArticleFactory(title="Il voto sulla pubblicità", url="https://news.example.org/voto", language="it")
    claim = ClaimFactory(article=article, exact="voted 31 to 12", claimant="Sindaco")
    annotation = make_annotation(claim, reviewer, key="mostly-false", rationale="Era 30 a 12.", evidence=EVIDENCE)
    with time_machine.travel(APPROVED, tick=False):
        publish(annotation, editor)
    return claim


def fetch(client, path="/api/v1/exports/verdicts.csv", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_for_excel_starts_with_a_byte_order_mark_and_ends_records_with_crlf(api, editor, published):
    _, content = fetch(api(editor), excel="1")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\r\n") == 2 and content.count(b"\n") == 2


def test_labels_add_the_verdict_label_after_the_key(api, editor, published):
    _, content = fetch(api(editor), labels="en")
    header = content.decode().splitlines()[0].split(",")
    assert header[header.index("verdict") + 1] == "verdict_label"
    assert rows(content)[0]["verdict_label"] == "Mostly false"


def test_local_dates_are_in_the_desks_time_zone_without_microseconds(api, editor, published, settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "DESK_TIME_ZONE": "Europe/Rome"}
    _, content = fetch(api(editor), dates="local")
    assert rows(content)[0]["approved_at"] == "2026-07-01 14:30:15"


def test_dates_stay_iso_utc_by_default(api, editor, published):
    _, content = fetch(api(editor))
    assert rows(content)[0]["approved_at"] == "2026-07-01T12:30:15.123456Z"


def test_the_evidence_sheet_has_one_row_per_evidence_item(api, editor, published):
    _, content = fetch(api(editor), "/api/v1/exports/evidence.csv")
    assert [(row["claim_id"], row["version"], row["url"]) for row in rows(content)] == [
        (str(published.pk), "1", "https://stats.example.org/vote"),
        (str(published.pk), "1", "https://news.example.org/pubblicità"),
    ]


def test_the_evidence_sheet_neutralises_formulas(api, editor, published):
    _, content = fetch(api(editor), "/api/v1/exports/evidence.csv")
    first = rows(content)[0]
    assert first["quote"] == "'=30 a 12"
    assert (first["title"], first["publisher"], first["stance"], first["accessed"]) == (
        "Verbale", "Comune", "refutes", "2026-06-30",
    )  # fmt: skip


def test_file_names_say_the_format_and_the_scope(api, editor, published):
    response, _ = fetch(api(editor), "/api/v1/exports/evidence.csv", language="it")
    assert 'filename="evidence-published-language-it-' in response["Content-Disposition"]


@pytest.mark.parametrize(("name", "value"), [("excel", "maybe"), ("labels", "not a tag"), ("dates", "yesterday")])
def test_a_bad_spreadsheet_option_is_refused_naming_it(api, editor, name, value):
    response = api(editor).get("/api/v1/exports/verdicts.csv", {name: value})
    assert response.status_code == 400
    assert name in response.json()


def test_a_spreadsheet_option_on_a_json_job_is_refused(api, editor):
    response = api(editor).post("/api/v1/exports/", {"format": "jsonl", "filters": {"excel": "1"}}, format="json")
    assert response.status_code == 400
    assert "excel" in response.json()["filters"]
