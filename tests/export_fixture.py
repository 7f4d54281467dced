"""A verdict history with every kind of CSV cell, at fixed instants and ids, for byte-for-byte export tests.

The expected files under tests/data/ were written by the export as it was before the
published-rows table (issue 11); the export must keep producing exactly these bytes.
"""

import datetime

import time_machine
from django.db import connection

from annotations import articles, review, versioning
from annotations.models import Claim

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, store_raw_rationale, verdict

START = datetime.datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=datetime.UTC)
# The instant between the first approvals and the later changes (for as_of).
MIDDLE = START + datetime.timedelta(minutes=30)
FIRST_IDS = {"annotations_article": 910000, "annotations_claim": 920000}

BODY = (
    '=SUM(A1) was the figure, they said. The council voted 31 to 12 on Tuesday, "unanimously".\n'
    "Spending rose by 94mil 🙂 in 2017. -5% is what the office reported."
)


def every_kind_of_cell() -> dict:
    """Create the history; returns the instants the tests ask about."""
    with connection.cursor() as cursor:
        for table, first in FIRST_IDS.items():
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, false)", [first])
    with time_machine.travel(START, tick=False) as clock:

        def step() -> None:
            clock.shift(datetime.timedelta(seconds=61, microseconds=1001))

        editor = UserFactory(role="editor", username="-editor")
        reviewer = UserFactory(role="reviewer", username="@reviewer")
        second = UserFactory(role="reviewer", username="+second")
        article = ArticleFactory(
            title='+Budget "special", part 1',
            body=BODY,
            url="https://news.example.org/budget?a=1,b=2",
            publisher="-Daily, «Italia»",
            language="it",
            published_at=START - datetime.timedelta(days=3),
        )
        plain = ArticleFactory(title="Plain", body="Nothing to see here at all.", url="", publisher="", language="en")
        formula = ClaimFactory(article=article, exact="=SUM(A1) was the figure", claimant="Tabbed claimant")
        # Older rows may start with a tab (the claim service now trims it): written directly.
        Claim.objects.filter(pk=formula.pk).update(claimant="\tTabbed claimant")
        vote = ClaimFactory(article=article, exact="voted 31 to 12", claimant="", claim_date=datetime.date(2026, 2, 27))
        emoji = ClaimFactory(article=article, exact="Spending rose by 94mil 🙂", claimant="=HYPERLINK()")
        minus = ClaimFactory(article=article, exact="-5% is what the office reported", claimant="@office")
        nothing = ClaimFactory(article=plain, exact="Nothing to see", claimant="Someone, somewhere")
        step()

        rationale = 'Line one, "quoted", comma\nline two\r\nthird line — Касперский 🙂'
        several = [
            {"url": "https://odd.example.org/x?q=a,b", "title": "=odd", "stance": "refutes"},
            {"url": "https://ok.example.org/y", "stance": "context"},
            {"url": "https://third.example.org/z#frag", "stance": "supports"},
        ]
        a_formula = make_annotation(
            formula, reviewer, key="false", confidence=90, rationale=rationale, evidence=several
        )
        step()
        a_vote = make_annotation(vote, reviewer, key="mostly-true", confidence=0, rationale="carriage")
        store_raw_rationale(a_vote, "\rcarriage")  # the service trims it: written around it, as old data
        step()
        one = [{"url": "https://e.example.org/one", "stance": "supports"}]
        a_emoji = make_annotation(emoji, second, key="misleading", rationale="+1 for 🙂", evidence=one)
        step()
        a_minus = make_annotation(minus, reviewer, key="unproven", rationale="-minus")
        step()
        a_nothing = make_annotation(nothing, second, key="true", rationale="")
        step()
        for annotation in (a_formula, a_vote, a_emoji, a_minus, a_nothing):
            review.submit(annotation, actor=annotation.reviewer)
            step()
            review.approve(annotation, actor=editor)
            step()
        instants = {"middle": MIDDLE}
        clock.move_to(MIDDLE + datetime.timedelta(minutes=1))

        # withdrawn for good
        review.reject(a_minus, actor=editor, comment="Withdrawn.")
        step()
        # withdrawn, edited and re-approved
        review.reject(a_vote, actor=editor)
        step()
        a_vote.refresh_from_db()
        versioning.append_version(a_vote, based_on=a_vote.version, author=reviewer, verdict=verdict("mixed"),
                                  rationale="@second look", evidence=several[:1])  # fmt: skip
        step()
        review.submit(a_vote, actor=reviewer)
        step()
        review.approve(a_vote, actor=editor)
        step()
        # edited after approval: still published as approved, a draft version on top
        a_formula.refresh_from_db()
        review.reopen(a_formula, actor=editor, comment="Formula check.")  # frozen for its reviewer until re-opened
        versioning.append_version(a_formula, based_on=a_formula.version, author=reviewer, rationale="", evidence=[])
        step()
        # another reviewer's annotation replaces the published one
        a_other = make_annotation(emoji, reviewer, key="true", rationale="Plain\ttab inside")
        step()
        review.submit(a_other, actor=reviewer)
        step()
        review.approve(a_other, actor=editor)
        step()
        # the article renamed after approval: the export shows the article as it is now
        articles.update_article(article, title="=Renamed after approval", publisher="Publisher now")
        step()
        instants["end"] = START + datetime.timedelta(hours=2)
    return instants
