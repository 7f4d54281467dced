"""An unreachable database is a 503 with Retry-After for API clients and pages, never a 500.

The real outage (PostgreSQL stopped under load) is drilled in test_fault_drills.py;
here every query fails with the error a refused connection really raises.
"""

import socket

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper

from factcheck.availability import is_database_unavailable


def refused_connection_error() -> OperationalError:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = connection.copy()
    unreachable.settings_dict = {**connection.settings_dict, "PORT": port}
    try:
        unreachable.ensure_connection()
    except OperationalError as error:
        return error
    finally:
        unreachable.close()
    raise AssertionError("connecting to a closed port succeeded")


@pytest.fixture
def database_down(monkeypatch):
    error = refused_connection_error()

    def fail(*args, **kwargs):
        raise error

    def down():
        monkeypatch.setattr(CursorWrapper, "execute", fail)

    return down


@pytest.mark.django_db
def test_api_request_while_the_database_is_unreachable_gets_503_with_retry_after(api, editor, database_down):
    client = api(editor)
    database_down()
    response = client.get("/api/v1/annotations/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "database" in response.json()["detail"].lower()


@pytest.mark.django_db
def test_page_request_while_the_database_is_unreachable_gets_503_with_retry_after(client, editor, database_down):
    client.force_login(editor)
    database_down()
    response = client.get("/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_an_error_the_database_server_reports_is_not_taken_for_an_outage():
    """A cancelled statement (statement_timeout) is an OperationalError too, but the server answered."""
    with pytest.raises(OperationalError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert raised.value.__cause__.pgcode == "57014"
    assert not is_database_unavailable(raised.value)


@pytest.mark.django_db
def test_a_refused_connection_is_taken_for_an_outage():
    assert is_database_unavailable(refused_connection_error())
