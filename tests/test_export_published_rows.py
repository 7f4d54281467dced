"""The published-rows export (issue 11): the same bytes as before, rows that match the history, a consistent snapshot."""

from pathlib import Path

import pytest

from .export_fixture import every_kind_of_cell

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/verdicts.csv"
EXPECTED = Path(__file__).parent / "data" / "export_every_cell"

CASES = {
    "published": lambda instants: {},
    "published_bom": lambda instants: {"bom": "1"},
    "as_of_middle": lambda instants: {"as_of": instants["middle"].isoformat()},
    "versions_all": lambda instants: {"versions": "all"},
    "versions_all_as_of_middle": lambda instants: {"versions": "all", "as_of": instants["middle"].isoformat()},
    "filtered": lambda instants: {"language": "it", "verdict": "mixed,true,false", "reviewer": "@reviewer"},
}


def fetch(client, params) -> bytes:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_of_every_kind_of_cell_is_byte_identical_to_the_export_before_the_published_rows_table(api, case):
    instants = every_kind_of_cell()
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="-editor")
    content = fetch(api(editor), CASES[case](instants))
    assert content == (EXPECTED / f"{case}.csv").read_bytes()
