"""The CSV exports opened by a real spreadsheet: LibreOffice headless converts them to .xlsx, openpyxl reads back.

LibreOffice opens a CSV the way a person's spreadsheet does when told nothing: it detects the
encoding (charset 0, "don't know"), splits on commas and evaluates cells that look like formulas.
`make test` installs it when missing (Makefile `libreoffice`); without it these tests are skipped.
"""

import shutil
import subprocess

import openpyxl
import pytest

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice missing")]

EVIDENCE = [
    {"url": "https://stats.example.org/verbale", "title": "=HYPERLINK(\"x\")", "publisher": "Comune di Forlì",
     "quote": "la pubblicità è calata", "stance": "refutes", "accessed": "2026-06-30"},
    {"url": "https://news.example.org/pubblicità", "title": "+39 per cento", "stance": "context"},
]  # fmt: skip


@pytest.fixture
def published(editor, reviewer):
    article = ArticleFactory(title="Il voto sulla pubblicità", url="https://news.example.org/voto", language="it")
    claim = ClaimFactory(article=article, exact="voted 31 to 12", claimant="=SUM(A1) città")
    annotation = make_annotation(claim, reviewer, key="mostly-false", rationale="Perché era 30.", evidence=EVIDENCE)
    publish(annotation, editor)
    return claim


def open_in_spreadsheet(tmp_path, **files: bytes) -> dict[str, list[list]]:
    """{name: rows of cell objects} after LibreOffice has opened each CSV and saved it as .xlsx."""
    paths = []
    for name, content in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content)
        paths.append(str(path))
    # Its own profile per test: two LibreOffice processes on one profile refuse to start.
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    convert = ["--convert-to", "xlsx", "--outdir", str(tmp_path / "xlsx")]
    subprocess.run(
        ["soffice", profile, "--headless", "--infilter=CSV:44,34,0,1", *convert, *paths],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: list(openpyxl.load_workbook(tmp_path / "xlsx" / f"{name}.xlsx").active.iter_rows()) for name in files}


def download(client, path, **params) -> bytes:
    response = client.get(path, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def as_dicts(rows) -> list[dict]:
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, [cell.value for cell in row], strict=False)) for row in rows[1:]]


def test_for_excel_keeps_accents_and_a_clean_header(api, editor, published, tmp_path):
    content = download(api(editor), "/api/v1/exports/verdicts.csv", excel="1")
    (row,) = as_dicts(open_in_spreadsheet(tmp_path, verdicts=content)["verdicts"])
    assert "claim_id" in row  # the byte order mark is read as one, not as part of the first name
    assert row["article_title"] == "Il voto sulla pubblicità"
    assert row["rationale"] == "Perché era 30."


def test_no_cell_opens_as_a_formula(api, editor, published, tmp_path):
    opened = open_in_spreadsheet(
        tmp_path,
        verdicts=download(api(editor), "/api/v1/exports/verdicts.csv", excel="1"),
        evidence=download(api(editor), "/api/v1/exports/evidence.csv", excel="1"),
    )
    formulas = [cell.coordinate for rows in opened.values() for row in rows for cell in row if cell.data_type == "f"]
    assert formulas == []
    assert as_dicts(opened["verdicts"])[0]["claimant"] == "'=SUM(A1) città"


def test_labels_open_beside_the_keys(api, editor, published, tmp_path):
    content = download(api(editor), "/api/v1/exports/verdicts.csv", excel="1", labels="it")
    (row,) = as_dicts(open_in_spreadsheet(tmp_path, verdicts=content)["verdicts"])
    # In the language asked for: the rating scale's Italian label (issue 23), accents intact in the spreadsheet.
    assert (row["verdict"], row["verdict_label"]) == ("mostly-false", "Quasi falso")


def test_the_evidence_sheet_rows_equal_the_verdicts_evidence(api, editor, published, tmp_path):
    content = download(api(editor), "/api/v1/exports/evidence.csv", excel="1")
    rows = as_dicts(open_in_spreadsheet(tmp_path, evidence=content)["evidence"])
    spreadsheet = [
        (row["claim_id"], row["version"], row["url"], row["title"], row["publisher"], row["quote"], row["stance"])
        for row in rows
    ]
    expected = [
        (published.pk, 1, item["url"], item["title"], item.get("publisher"), item.get("quote"), item["stance"])
        for item in EVIDENCE
    ]
    # Formula-looking text comes back with its neutralising apostrophe, as text.
    expected = [(*e[:3], "'" + e[3], *e[4:]) for e in expected]
    assert spreadsheet == expected


def test_local_dates_open_as_dates(api, editor, published, tmp_path):
    content = download(api(editor), "/api/v1/exports/verdicts.csv", excel="1", dates="local")
    header, row = open_in_spreadsheet(tmp_path, verdicts=content)["verdicts"]
    approved_at = row[[cell.value for cell in header].index("approved_at")]
    assert approved_at.is_date
