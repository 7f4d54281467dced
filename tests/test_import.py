"""Bulk import of articles (the project's fixture texts, and the real seeds when present), all or nothing."""

import json
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article

from .conftest import PROJECT_TEXTS

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/articles/import/"


def pick_first(texts) -> dict:
    """A quote selector for the first of the two occurrences of `texts.twice`, told apart by its prefix."""
    return {"exact": texts.twice, "prefix": texts.twice_prefix}


@pytest.fixture
def seed_records(article_texts):
    """The two articles as API records. The Italian source has no headline: its first line is the
    opening paragraph, so it stays in the body (as the .txt import does)."""
    english_title, english_body = article_texts.read(article_texts.english)
    first_line, rest = article_texts.read(article_texts.italian)
    return [
        {"title": english_title, "body": english_body, "language": "en", "publisher": "The Register"},
        {
            "title": article_texts.italian_headline,
            "body": f"{first_line}\n{rest}",
            "language": "it",
            "publisher": "Corriere",
        },
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


def test_articles_imported_as_a_json_array_take_claims_by_quote(api, editor, seed_records, article_texts):
    client = api(editor)
    response = client.post(IMPORT, seed_records, format="json")
    assert response.status_code == 201
    assert response.json()["created"] == 2
    english, italian = response.json()["ids"]
    figure = article_texts.italian_figure
    assert_claim_points_at(client, claim_by_quote(client, english, **pick_first(article_texts)), article_texts.twice)
    assert_claim_points_at(client, claim_by_quote(client, italian, exact=figure), figure)


def test_quote_that_occurs_twice_is_refused_until_context_picks_one(api, editor, seed_records, article_texts):
    client = api(editor)
    (english,) = client.post(IMPORT, seed_records[:1], format="json").json()["ids"]
    ambiguous = claim_by_quote(client, english, exact=article_texts.twice)
    assert ambiguous.status_code == 400
    assert "2 places" in ambiguous.json()["selector.exact"][0]
    picked = claim_by_quote(client, english, exact=article_texts.twice, suffix=article_texts.second_suffix)
    assert_claim_points_at(client, picked, article_texts.twice)
    assert picked.json()["selector"][1]["suffix"].startswith(article_texts.second_suffix)


def test_articles_imported_as_json_lines(api, editor, seed_records, article_texts):
    client = api(editor)
    payload = "\n".join(json.dumps(record, ensure_ascii=False) for record in seed_records) + "\n"
    response = client.post(IMPORT, payload.encode("utf-8"), content_type="application/x-ndjson")
    assert response.status_code == 201
    assert Article.objects.count() == 2
    italian = Article.objects.get(language="it")
    figure = article_texts.italian_figure
    assert_claim_points_at(client, claim_by_quote(client, italian.pk, exact=figure), figure)


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


def test_command_imports_txt_files_with_language_and_claims_find_their_quotes(api, editor, article_texts):
    assert "Imported 1 article(s)" in run_import(article_texts.english, "--language", "en")
    run_import(article_texts.italian, "--language", "it", "--publisher", "Corriere")
    english = Article.objects.get(language="en")
    italian = Article.objects.get(language="it")
    assert english.title == article_texts.english_title
    assert italian.title == article_texts.italian_headline
    assert italian.body.startswith(article_texts.italian_headline)
    assert italian.publisher == "Corriere"
    # Decomposed accents in the file (the project's Italian text is NFD) are stored composed.
    assert italian.body == unicodedata.normalize("NFC", italian.body)
    client = api(editor)
    figure = article_texts.italian_figure
    assert_claim_points_at(client, claim_by_quote(client, english.pk, **pick_first(article_texts)), article_texts.twice)
    assert_claim_points_at(client, claim_by_quote(client, italian.pk, exact=figure), figure)


def test_accented_quote_typed_composed_finds_text_imported_decomposed(api, editor):
    run_import(PROJECT_TEXTS.italian, "--language", "it")
    italian = Article.objects.get(language="it")
    client = api(editor)
    assert_claim_points_at(
        client, claim_by_quote(client, italian.pk, exact="le città di Messina"), "le città di Messina"
    )


def test_command_imports_json_and_json_lines_files(tmp_path, seed_records, article_texts):
    array = tmp_path / "articles.json"
    array.write_text(json.dumps(seed_records[:1]), encoding="utf-8")
    lines = tmp_path / "articles.jsonl"
    lines.write_text(json.dumps(seed_records[1], ensure_ascii=False) + "\n", encoding="utf-8")
    assert "Imported 2 article(s) from 2 file(s)" in run_import(array, lines)
    assert sorted(Article.objects.values_list("language", flat=True)) == ["en", "it"]
    assert article_texts.italian_figure in Article.objects.get(language="it").body


def test_command_with_a_bad_record_exits_with_an_error_naming_file_line_and_field(tmp_path, seed_records):
    path = tmp_path / "articles.jsonl"
    bad = {**seed_records[1], "url": "not a url"}
    path.write_text("\n".join(json.dumps(r) for r in (seed_records[0], bad)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err, verbosity=0)
    assert f"{path}:2: url:" in err.getvalue()
    assert not Article.objects.exists()


def test_command_refuses_txt_without_language_and_writes_nothing(article_texts):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", *map(str, article_texts.paths), stdout=StringIO(), stderr=err, verbosity=0)
    assert ": language:" in err.getvalue()
    assert not Article.objects.exists()


def test_command_fails_for_a_missing_file_and_writes_nothing(tmp_path, article_texts):
    with pytest.raises(CommandError, match="No such file"):
        run_import(article_texts.english, tmp_path / "missing.json", "--language", "en")
    assert not Article.objects.exists()


def test_command_refuses_unknown_file_types(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text("title,body\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run_import(path)
    assert not Article.objects.exists()
