"""An export's count (the Web Annotation collection's `total`, an export job's rows to go) is the number of
rows the export writes, under every filter: the counts join only the tables a filter reads."""

import itertools

import pytest
from django.db import connection
from django.utils import timezone

from annotations import review, versioning
from annotations.exports import query
from annotations.exports.filters import parse_filters

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

FILTERS = {
    "language": ["en", "it", "en-gb"],
    "verdict": ["false", "true,mixed"],
    "status": ["approved", "draft", "rejected"],
    "reviewer": ["rossi"],
    "versions": ["all"],
}


@pytest.fixture
def desk(editor, reviewer):
    rossi = UserFactory(role="reviewer", username="rossi")
    for language, who, key in [("en", reviewer, "false"), ("it", rossi, "true"), ("en-GB", rossi, "mixed")]:
        claim = ClaimFactory(article=ArticleFactory(language=language), exact="voted 31 to 12")
        published = publish(make_annotation(claim, who, key=key), editor)
        review.reopen(published, actor=editor)
        versioning.append_version(published, based_on=1, author=who, rationale="a second look")
        make_annotation(claim, editor, key="false")  # a draft of the editor's own
    rejected = make_annotation(ClaimFactory(exact="voted 31 to 12"), rossi, key="true")
    review.submit(rejected, actor=rossi)
    review.reject(rejected, actor=editor, comment="Find a source.")
    instant = timezone.now()
    later = make_annotation(ClaimFactory(article=ArticleFactory(language="it"), exact="voted 31 to 12"), rossi)
    publish(later, editor)  # after the instant: an as_of export leaves it out
    return instant


def combinations():
    names = list(FILTERS)
    for size in range(0, 3):
        for chosen in itertools.combinations(names, size):
            for values in itertools.product(*(FILTERS[name] for name in chosen)):
                yield dict(zip(chosen, values, strict=True))


def test_every_count_is_the_number_of_rows_written(desk):
    checked = 0
    for params in combinations():
        for as_of in (None, desk):
            filters = parse_filters(params, as_of=as_of.isoformat() if as_of else None)
            sql, values = query.count_sql(filters, connection)
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
                counted = cursor.fetchone()[0]
            written = sum(1 for _ in query.iter_rows(filters, connection))
            assert counted == written, (params, as_of)
            checked += counted > 0
    assert checked > 40  # most combinations leave rows: the counts are not all zero
