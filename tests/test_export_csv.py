"""The streamed CSV export: columns, cell safety, round trips, published/as_of/versions, filters, roles."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from annotations import review, versioning
from annotations.exports import csv as export_csv
from annotations.exports.filters import parse_filters
from annotations.exports.query import COLUMNS
from annotations.models import Article, Publication

from .factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    make_annotation,
    publish,
    store_raw_rationale,
    verdict,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/verdicts.csv"


def fetch(client, **params) -> bytes:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def rows(content: bytes) -> list[dict]:
    text = content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def published_claim(editor, reviewer, *, exact="voted 31 to 12", key="false", **content):
    claim = ClaimFactory(exact=exact)
    annotation = publish(make_annotation(claim, reviewer, key=key, **content), editor)
    return claim, annotation


def test_header_lists_the_documented_columns_in_order(api, editor):
    content = fetch(api(editor))
    assert content.split(b"\r\n")[0].decode() == ",".join(COLUMNS)
    assert COLUMNS[:3] == ("claim_id", "claim_text", "claimant") and COLUMNS[-1] == "approved_at"


def test_published_verdict_row_carries_claim_article_verdict_and_approval(api, editor, reviewer):
    evidence = [
        {"url": "https://stats.example.org/a", "title": "A", "stance": "refutes"},
        {"url": "https://stats.example.org/b", "title": "B", "stance": "context"},
    ]
    claim, _ = published_claim(editor, reviewer, confidence=90, rationale="Minutes say 30.", evidence=evidence)
    (row,) = rows(fetch(api(editor)))
    published = Publication.objects.get(claim=claim)
    assert row["claim_id"] == str(claim.pk)
    assert row["claim_text"] == "voted 31 to 12"
    assert row["article_title"] == claim.article.title
    assert row["verdict"] == "false" and row["rating_value"] == "1" and row["confidence"] == "90"
    assert row["evidence_urls"] == "https://stats.example.org/a https://stats.example.org/b"
    assert row["reviewer"] == "reviewer" and row["status"] == "approved" and row["version"] == "1"
    assert row["approved_by"] == "editor"
    assert datetime.datetime.fromisoformat(row["approved_at"]) == published.created_at


@pytest.mark.parametrize("dangerous", ["=", "+", "-", "@", "\t", "\r"])
def test_cell_starting_with_a_formula_character_gets_a_leading_apostrophe(api, editor, reviewer, dangerous):
    annotation = make_annotation(ClaimFactory(), reviewer, key="false")
    store_raw_rationale(annotation, f'{dangerous}HYPERLINK("http://evil")')  # a tab or CR is trimmed otherwise
    publish(annotation, editor)
    (row,) = rows(fetch(api(editor)))
    assert row["rationale"] == f'\'{dangerous}HYPERLINK("http://evil")'


def test_formula_in_claimant_and_title_is_neutralised_too(api, editor, reviewer):
    article = ArticleFactory(title="=1+1")
    claim = ClaimFactory(article=article, claimant="@mention")
    publish(make_annotation(claim, reviewer), editor)
    (row,) = rows(fetch(api(editor)))
    assert (row["article_title"], row["claimant"]) == ("'=1+1", "'@mention")


def test_multiline_quotes_commas_and_non_latin_text_round_trip(api, editor, reviewer):
    rationale = 'Line one, with a comma\nline "two" quoted\r\nnel 2017 sono stati spesi 94mil — Касперский 🙂'
    article = ArticleFactory(title="Città, «citazione»", publisher='The "Times"')
    claim = ClaimFactory(article=article, claimant="Евгений Касперский")
    publish(make_annotation(claim, reviewer, rationale=rationale), editor)
    (row,) = rows(fetch(api(editor)))
    assert row["rationale"] == rationale
    assert (row["article_title"], row["publisher"], row["claimant"]) == (
        "Città, «citazione»",
        'The "Times"',
        "Евгений Касперский",
    )


def test_records_end_with_crlf_and_the_file_is_utf8(api, editor, reviewer):
    published_claim(editor, reviewer, rationale="multi\nline")
    content = fetch(api(editor))
    assert content.endswith(b"\r\n")
    assert content.count(b"\r\n") == 2  # header and the one record; the line break inside the cell stays LF
    content.decode("utf-8")


def test_bom_1_starts_the_file_with_a_utf8_byte_order_mark(api, editor, reviewer):
    published_claim(editor, reviewer)
    assert fetch(api(editor), bom="1").startswith(b"\xef\xbb\xbfclaim_id,")
    assert fetch(api(editor)).startswith(b"claim_id,")


def test_only_published_verdicts_are_exported_by_default(api, editor, reviewer):
    published, _ = published_claim(editor, reviewer, exact="voted 31 to 12")
    draft_claim = ClaimFactory(article=published.article, exact="The mayor said")
    make_annotation(draft_claim, reviewer)
    submitted_claim = ClaimFactory(article=published.article, exact="fully funded")
    review.submit(make_annotation(submitted_claim, reviewer), actor=reviewer)
    assert [row["claim_id"] for row in rows(fetch(api(editor)))] == [str(published.pk)]


def test_withdrawn_verdict_is_not_exported(api, editor, reviewer):
    _, annotation = published_claim(editor, reviewer)
    review.reject(annotation, actor=editor)
    assert rows(fetch(api(editor))) == []


def test_as_of_gives_the_verdict_published_at_that_instant(api, editor, reviewer):
    _claim, annotation = published_claim(editor, reviewer, key="false")
    before_republication = timezone.now()
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("mostly-false"))
    publish(annotation, editor)

    (then,) = rows(fetch(api(editor), as_of=before_republication.isoformat()))
    (now,) = rows(fetch(api(editor)))
    (after,) = rows(fetch(api(editor), as_of=timezone.now().isoformat()))

    assert (then["verdict"], then["version"]) == ("false", "1")
    assert (now["verdict"], now["version"]) == ("mostly-false", "2")
    assert after == now


def test_as_of_before_the_first_publication_exports_nothing(api, editor, reviewer):
    before = timezone.now()
    published_claim(editor, reviewer)
    assert rows(fetch(api(editor), as_of=before.isoformat())) == []


def test_as_of_while_withdrawn_exports_nothing_but_later_republication_does(api, editor, reviewer):
    _, annotation = published_claim(editor, reviewer)
    review.reject(annotation, actor=editor)
    while_withdrawn = timezone.now()
    versioning.append_version(annotation, based_on=1, author=reviewer, rationale="Rechecked.")
    publish(annotation, editor)
    assert rows(fetch(api(editor), as_of=while_withdrawn.isoformat())) == []
    assert [row["version"] for row in rows(fetch(api(editor)))] == ["2"]


def test_versions_all_gives_one_row_per_annotation_version(api, editor, reviewer):
    claim, annotation = published_claim(editor, reviewer, key="false")
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("mixed"))
    other = UserFactory(role="reviewer", username="second")
    make_annotation(claim, other, key="true")
    exported = rows(fetch(api(editor), versions="all"))
    assert [(row["reviewer"], row["version"], row["verdict"]) for row in exported] == [
        ("reviewer", "1", "false"),
        ("reviewer", "2", "mixed"),
        ("second", "1", "true"),
    ]
    # the published version names its approver; the others were never published
    assert [bool(row["approved_by"]) for row in exported] == [True, False, False]
    assert [row["status"] for row in exported] == ["draft", "draft", "draft"]


def test_versions_all_with_as_of_leaves_out_later_versions(api, editor, reviewer):
    _, annotation = published_claim(editor, reviewer)
    instant = timezone.now()
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=1, author=reviewer, rationale="later")
    exported = rows(fetch(api(editor), versions="all", as_of=instant.isoformat()))
    assert [(row["version"], row["status"]) for row in exported] == [("1", "approved")]


def test_filters_by_verdict_reviewer_article_and_language(api, editor, reviewer):
    english, _ = published_claim(editor, reviewer, key="false")
    italian_article = ArticleFactory(language="it", body="Nel 2017 sono stati spesi 94mil dollari.")
    italian = ClaimFactory(article=italian_article, exact="sono stati spesi 94mil dollari")
    publish(make_annotation(italian, UserFactory(role="reviewer", username="rossi"), key="true"), editor)

    def ids(**params):
        return [row["claim_id"] for row in rows(fetch(api(editor), **params))]

    assert ids(verdict="true") == [str(italian.pk)]
    assert ids(verdict="true,false") == [str(english.pk), str(italian.pk)]
    assert ids(reviewer="rossi") == [str(italian.pk)]
    assert ids(article=english.article_id) == [str(english.pk)]
    assert ids(language="IT") == [str(italian.pk)]


def test_a_language_filter_takes_regional_variants_and_a_regional_tag_only_itself(api, editor, reviewer):
    by_language = {}
    for language in ("en", "en-GB", "EN-us", "enm", "it"):
        claim = ClaimFactory(article=ArticleFactory(language=language))
        publish(make_annotation(claim, reviewer), editor)
        by_language[language] = str(claim.pk)

    def languages(**params):
        found = {row["claim_id"] for row in rows(fetch(api(editor), **params))}
        return {language for language, pk in by_language.items() if pk in found}

    assert languages(language="en") == {"en", "en-GB", "EN-us"}
    assert languages(language="en-gb") == {"en-GB"}
    assert languages(language="enm") == {"enm"}
    # As the published rows follow an article's language, so does the filter.
    Article.objects.filter(language="it").update(language="en-AU")
    assert languages(language="en") == {"en", "en-GB", "EN-us", "it"}
    assert languages(language="it") == set()


def test_date_range_filters_on_the_publication_date(api, editor, reviewer):
    published_claim(editor, reviewer)
    today = timezone.now().date()
    assert len(rows(fetch(api(editor), date_from=today.isoformat(), date_to=today.isoformat()))) == 1
    tomorrow = today + datetime.timedelta(days=1)
    assert rows(fetch(api(editor), date_from=tomorrow.isoformat())) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2999-01-01T00:00:00Z"}, "as_of"),
        ({"verdict": "pants-on-fire"}, "verdict"),
        ({"article": "abc"}, "article"),
        ({"status": "published"}, "status"),
        ({"versions": "some"}, "versions"),
        ({"date_from": "2024-13-45"}, "date_from"),
        ({"bom": "maybe"}, "bom"),
    ],
)
def test_bad_filter_is_refused_with_400_naming_the_field(api, editor, params, field):
    response = api(editor).get(URL, params, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert field in response.json()


def test_viewer_exports_published_verdicts(api, editor, reviewer, viewer):
    published_claim(editor, reviewer)
    assert len(rows(fetch(api(viewer)))) == 1


def test_viewer_may_not_export_all_versions(api, viewer):
    response = api(viewer).get(URL, {"versions": "all"})
    assert response.status_code == 403
    assert "versions" in response.json()["detail"]


def test_reviewer_exports_all_versions_of_their_own_annotations_only(api, editor, reviewer):
    claim, _ = published_claim(editor, reviewer)
    make_annotation(claim, UserFactory(role="reviewer", username="other"))
    exported = rows(fetch(api(reviewer), versions="all"))
    assert {row["reviewer"] for row in exported} == {"reviewer"}
    response = api(reviewer).get(URL, {"versions": "all", "reviewer": "other"})
    assert response.status_code == 403


def test_anonymous_and_roleless_users_get_no_export(api):
    assert api().get(URL).status_code in (401, 403)
    assert api(UserFactory(username="nobody")).get(URL).status_code == 403


def _tricky_data(editor, reviewer):
    rationale = '=cmd|" /C calc"!A0, "quoted"\nsecond line\r\nthird; 94mil — Касперский 🙂'
    evidence = [
        {"url": "https://odd.example.org/x?q=a,b", "title": "=odd", "stance": "refutes"},
        {"url": "https://ok.example.org/y", "stance": "context"},
    ]
    _claim, annotation = published_claim(editor, reviewer, rationale=rationale, evidence=evidence)
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=1, author=reviewer, rationale="", evidence=[])
    plain = ClaimFactory(article=ArticleFactory(title="Plain", url="", publisher=""), claimant="")
    publish(make_annotation(plain, reviewer, key="unproven"), editor)


@pytest.mark.parametrize("params", [{}, {"versions": "all"}, {"versions": "all", "status": "draft"}])
def test_tricky_cells_come_out_exactly_as_pythons_csv_module_writes_them(editor, reviewer, params):
    """COPY's bytes equal Python's csv writer (RFC 4180, CRLF records, minimal quoting) over the same cells."""
    _tricky_data(editor, reviewer)
    filters = parse_filters(params, as_of=timezone.now() if params else None)
    copied = io.BytesIO()
    count = export_csv.write_csv(filters, copied.write, connection=connection)
    exported = rows(copied.getvalue())
    assert count == len(exported) >= 1
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([row[name] for name in COLUMNS] for row in exported)
    assert copied.getvalue() == expected.getvalue().encode()
    rationales = {row["rationale"] for row in exported}
    if not params.get("status"):
        assert '\'=cmd|" /C calc"!A0, "quoted"\nsecond line\r\nthird; 94mil — Касперский 🙂' in rationales


def test_export_verdicts_command_writes_the_same_csv_as_the_api(api, editor, reviewer, tmp_path):
    _tricky_data(editor, reviewer)
    output = tmp_path / "verdicts.csv"
    call_command("export_verdicts", "--output", str(output), "--no-progress")
    assert output.read_bytes() == fetch(api(editor))
    assert not (tmp_path / "verdicts.csv.part").exists()
