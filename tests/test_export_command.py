"""`manage.py export_verdicts` as an operator runs it: formats, as_of, filters, standard output."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from annotations import review, versioning

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish, verdict

pytestmark = pytest.mark.django_db


def run(capsysbinary, *args) -> bytes:
    call_command("export_verdicts", "--output", "-", "--no-progress", *args)
    return capsysbinary.readouterr().out


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


@pytest.fixture
def two_published(editor, reviewer):
    english = ClaimFactory(article=ArticleFactory(language="en"))
    italian = ClaimFactory(
        article=ArticleFactory(language="it", body="Nel 2017 sono stati spesi 94mil dollari."), exact="94mil dollari"
    )
    publish(make_annotation(english, reviewer, key="false"), editor)
    publish(make_annotation(italian, reviewer, key="true"), editor)
    return english, italian


def test_dash_writes_the_csv_to_standard_output(capsysbinary, two_published):
    rows = csv_rows(run(capsysbinary))
    assert sorted(row["claim_text"] for row in rows) == ["94mil dollari", "voted 31 to 12"]


def test_filters_narrow_the_rows(capsysbinary, two_published):
    rows = csv_rows(run(capsysbinary, "--language", "it", "--verdict", "true"))
    assert [row["claim_text"] for row in rows] == ["94mil dollari"]
    assert csv_rows(run(capsysbinary, "--language", "it", "--verdict", "false")) == []


@pytest.mark.parametrize(
    ("export_format", "check"),
    [
        ("jsonl", lambda out: [json.loads(line)["verdict"] for line in out.splitlines()] == ["false", "true"]),
        ("claimreview", lambda out: len(json.loads(out)["@graph"]) == 2),
        ("webannotation", lambda out: len(json.loads(out)["first"]["items"]) == 2),
    ],
)
def test_format_option_writes_that_format(capsysbinary, two_published, export_format, check):
    assert check(run(capsysbinary, "--format", export_format).decode("utf-8"))


def test_as_of_gives_the_verdict_as_it_stood_then(capsysbinary, editor, reviewer):
    claim = ClaimFactory()
    annotation = publish(make_annotation(claim, reviewer, key="false"), editor)
    between = timezone.now()
    review.reopen(annotation, actor=editor)
    versioning.append_version(annotation, based_on=1, author=reviewer, verdict=verdict("true"))
    review.submit(annotation, actor=reviewer)
    review.approve(annotation, actor=editor)

    assert [row["verdict"] for row in csv_rows(run(capsysbinary))] == ["true"]
    then = csv_rows(run(capsysbinary, "--as-of", between.isoformat()))
    assert [row["verdict"] for row in then] == ["false"]
    before = (between - datetime.timedelta(days=1)).isoformat()
    assert csv_rows(run(capsysbinary, "--as-of", before)) == []


def test_bad_filter_stops_with_the_option_named(capsysbinary):
    with pytest.raises(CommandError, match="--date-from"):
        run(capsysbinary, "--date-from", "2024-13-45")
