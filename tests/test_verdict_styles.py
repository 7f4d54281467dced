"""The verdict stylesheet follows the rating scale as editors change it."""

import pytest

from annotations.models import Verdict

pytestmark = pytest.mark.django_db


def stylesheet(client) -> str:
    response = client.get("/verdicts.css")
    assert response["Content-Type"].startswith("text/css")
    return response.content.decode()


def test_changed_colour_shows_in_the_stylesheet(client):
    Verdict.objects.filter(key="false").update(colour="#123456")
    css = stylesheet(client)
    assert '.hl[data-verdict="false"]{background:rgba(18,52,86,.18);border-bottom:2px solid #123456}' in css
    assert "#c62828" not in css


@pytest.mark.parametrize("colour", ["red;}a{", "#12345", "url(x)", "#gggggg", ""])
def test_malformed_colour_drops_that_verdicts_rule_and_keeps_the_others(client, colour):
    Verdict.objects.filter(key="false").update(colour=colour)
    css = stylesheet(client)
    assert 'data-verdict="false"' not in css
    assert 'data-verdict="true"' in css
    if colour:
        assert colour not in css


def test_new_verdict_gets_its_rule(client):
    Verdict.objects.create(key="satire", label="Satire", colour="#00ff00", rating_value=None, position=99)
    assert '.hl[data-verdict="satire"]{background:rgba(0,255,0,.18);border-bottom:2px solid #00ff00}' in (
        stylesheet(client)
    )
