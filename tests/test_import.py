"""Bulk import of the real seed articles, through the API and the command, all or nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/articles/import/"
PICK_FIRST = {"exact": "confirmed as malicious", "prefix": 'has "been '}  # the quote occurs twice in the seed
ITALIAN_HEADLINE = "Stop alle pubblicità delle soluzioni Kaspersky su Twitter."


@pytest.fixture
def seed_records(seed_text):
    """The two seed articles as API records. The Italian source has no headline: its first line is the
    opening paragraph, so it stays in the body (as the .txt import does)."""
    english_title, english_body = seed_text("000")
    first_line, rest = seed_text("003")
    return [
        {"title": english_title, "body": english_body, "language": "en", "publisher": "The Register"},
        {"title": ITALIAN_HEADLINE, "body": f"{first_line}\n{rest}", "language": "it", "publisher": "Corriere"},
    ]


def claim_by_quote(client, article_id: int, **quote):
    return client.post(
        f"/api/v1/articles/{article_id}/claims/",
        {"selector": [{"type": "TextQuoteSelector", **quote}]},
        format="json",
    )


def assert_claim_points_at(client, response, exact: str) -> None:
    assert response.status_code == 201, response.json()
    claim = response.json()
    body = client.get(f"/api/v1/articles/{claim['article']}/").json()["body"]
    assert body[claim["start"] : claim["end"]] == exact


def test_seed_articles_imported_as_a_json_array_take_claims_by_quote(api, editor, seed_records):
    client = api(editor)
    response = client.post(IMPORT, seed_records, format="json")
    assert response.status_code == 201
    assert response.json()["created"] == 2
    english, italian = response.json()["ids"]
    assert_claim_points_at(client, claim_by_quote(client, english, **PICK_FIRST), "confirmed as malicious")
    assert_claim_points_at(client, claim_by_quote(client, italian, exact="94mil dollari"), "94mil dollari")


def test_seed_quote_that_occurs_twice_is_refused_until_context_picks_one(api, editor, seed_records):
    client = api(editor)
    (english,) = client.post(IMPORT, seed_records[:1], format="json").json()["ids"]
    ambiguous = claim_by_quote(client, english, exact="confirmed as malicious")
    assert ambiguous.status_code == 400
    assert "2 places" in ambiguous.json()["selector.exact"][0]
    picked = claim_by_quote(client, english, exact="confirmed as malicious", suffix=", such as Kaspersky Lab")
    assert_claim_points_at(client, picked, "confirmed as malicious")
    assert picked.json()["selector"][1]["suffix"].startswith(", such as Kaspersky Lab")


def test_seed_articles_imported_as_json_lines(api, editor, seed_records):
    client = api(editor)
    payload = "\n".join(json.dumps(record, ensure_ascii=False) for record in seed_records) + "\n"
    response = client.post(IMPORT, payload.encode("utf-8"), content_type="application/x-ndjson")
    assert response.status_code == 201
    assert Article.objects.count() == 2
    italian = Article.objects.get(language="it")
    assert_claim_points_at(client, claim_by_quote(client, italian.pk, exact="94mil dollari"), "94mil dollari")


def test_import_validates_like_article_creation(api, editor, seed_records):
    seed_records[1]["language"] = "it_IT"
    response = api(editor).post(IMPORT, seed_records, format="json")
    assert response.status_code == 201
    assert Article.objects.get(pk=response.json()["ids"][1]).language == "it-IT"


def test_one_bad_record_among_good_ones_fails_the_whole_import_naming_line_and_field(api, editor, seed_records):
    records = [seed_records[0], {**seed_records[1], "language": "italiano"}, {"title": "Third", "body": "Text."}]
    response = api(editor).post(IMPORT, records, format="json")
    assert response.status_code == 400
    errors = {(error["line"], error["field"]) for error in response.json()["errors"]}
    assert errors == {(2, "language"), (3, "language")}
    assert "nothing was imported" in response.json()["detail"]
    assert not Article.objects.exists()


def test_json_lines_error_report_counts_physical_lines(api, editor, seed_records):
    good = json.dumps(seed_records[0])
    payload = f"{good}\n\n{json.dumps({'title': '', 'body': 'x', 'language': 'en'})}\n{{not json\n"
    response = api(editor).post(IMPORT, payload.encode(), content_type="application/x-ndjson")
    assert response.status_code == 400
    assert [(error["line"], error["field"]) for error in response.json()["errors"]] == [(4, "json")]
    assert not Article.objects.exists()


def test_json_lines_with_only_a_field_error_names_its_line(api, editor, seed_records):
    payload = f"{json.dumps(seed_records[0])}\n\n{json.dumps({'title': '', 'body': 'x', 'language': 'en'})}\n"
    response = api(editor).post(IMPORT, payload.encode(), content_type="application/x-ndjson")
    assert response.status_code == 400
    assert [(error["line"], error["field"]) for error in response.json()["errors"]] == [(3, "title")]
    assert not Article.objects.exists()


def test_empty_import_is_refused(api, editor):
    response = api(editor).post(IMPORT, [], format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "records"


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def test_command_imports_seed_txt_files_with_language_and_claims_find_their_quotes(api, editor, seed_paths):
    english_path, italian_path = seed_paths
    assert "Imported 1 article(s)" in run_import(english_path, "--language", "en")
    run_import(italian_path, "--language", "it", "--publisher", "Corriere")
    english = Article.objects.get(language="en")
    italian = Article.objects.get(language="it")
    assert english.title == "Kaspersky reacts angrily after EU moves to ban its software"
    assert italian.title == ITALIAN_HEADLINE
    assert italian.body.startswith(ITALIAN_HEADLINE)
    assert italian.publisher == "Corriere"
    client = api(editor)
    assert_claim_points_at(client, claim_by_quote(client, english.pk, **PICK_FIRST), "confirmed as malicious")
    assert_claim_points_at(client, claim_by_quote(client, italian.pk, exact="94mil dollari"), "94mil dollari")


def test_command_imports_json_and_json_lines_files(tmp_path, seed_records):
    array = tmp_path / "articles.json"
    array.write_text(json.dumps(seed_records[:1]), encoding="utf-8")
    lines = tmp_path / "articles.jsonl"
    lines.write_text(json.dumps(seed_records[1], ensure_ascii=False) + "\n", encoding="utf-8")
    assert "Imported 2 article(s) from 2 file(s)" in run_import(array, lines)
    assert sorted(Article.objects.values_list("language", flat=True)) == ["en", "it"]
    assert "94mil dollari" in Article.objects.get(language="it").body


def test_command_with_a_bad_record_exits_with_an_error_naming_file_line_and_field(tmp_path, seed_records):
    path = tmp_path / "articles.jsonl"
    bad = {**seed_records[1], "url": "not a url"}
    path.write_text("\n".join(json.dumps(r) for r in (seed_records[0], bad)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err, verbosity=0)
    assert f"{path}:2: url:" in err.getvalue()
    assert not Article.objects.exists()


def test_command_refuses_txt_without_language_and_writes_nothing(seed_paths):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", *map(str, seed_paths), stdout=StringIO(), stderr=err, verbosity=0)
    assert ": language:" in err.getvalue()
    assert not Article.objects.exists()


def test_command_fails_for_a_missing_file_and_writes_nothing(tmp_path, seed_paths):
    with pytest.raises(CommandError, match="No such file"):
        run_import(seed_paths[0], tmp_path / "missing.json", "--language", "en")
    assert not Article.objects.exists()


def test_command_refuses_unknown_file_types(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text("title,body\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run_import(path)
    assert not Article.objects.exists()
