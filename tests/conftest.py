"""Test setup: the suite runs against real PostgreSQL and Redis and stops loudly without them."""

import importlib
import os
import socket
from pathlib import Path

import pgtrigger
import pytest
from django.db import connection
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from .factories import UserFactory

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

APPEND_ONLY_TRIGGERS = [
    f"annotations.{model}:{trigger}"
    for model in ("AnnotationVersion", "ReviewTransition", "Publication")
    for trigger in ("append_only_rows", "append_only_table")
]


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def pytest_configure(config):
    """Refuse to run on anything but PostgreSQL, and insist on Redis: no silent fallback."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"The suite needs PostgreSQL (DATABASE_URL=postgres://...), not {engine}. Run `make test`.", returncode=3
        )
    db = settings.DATABASES["default"]
    if not _reachable(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)):
        pytest.exit(f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')}.", returncode=3)
    broker = settings.CELERY_BROKER_URL or ""
    if not broker.startswith("redis://"):
        pytest.exit("The suite needs CELERY_BROKER_URL=redis://... (Redis on 127.0.0.1:6379). Run `make test`.", 3)
    if not _reachable("127.0.0.1", 6379):
        pytest.exit("Redis is not reachable at 127.0.0.1:6379.", returncode=3)


# Transactional tests end by truncating every table; the append-only triggers
# refuse that, as they should everywhere else, so the test teardown alone is let through.
_original_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self):
    with pgtrigger.ignore(*APPEND_ONLY_TRIGGERS):
        _original_fixture_teardown(self)


TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture(autouse=True)
def default_rating_scale_and_roles(request):
    """Transactional tests flush the data migrations' rows; put the rating scale and roles back."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from django.apps import apps

        migration = importlib.import_module("annotations.migrations.0002_default_verdicts_and_roles")
        migration.create(apps, None)


@pytest.fixture
def seed_text():
    """Read one of the two real seed articles: `seed_text("000")` -> (title, body)."""

    def read(prefix: str) -> tuple[str, str]:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        return title.strip(), body.strip("\n")

    return read


@pytest.fixture
def seed_paths():
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated as `user` (None: anonymous)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def editor(db):
    return UserFactory(role="editor", username="editor")


@pytest.fixture
def reviewer(db):
    return UserFactory(role="reviewer", username="reviewer")


@pytest.fixture
def viewer(db):
    return UserFactory(role="viewer", username="viewer")


@pytest.fixture
def is_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.fixture
def pg_connection_count():
    """Number of backends connected to the test database (to see that real separate connections are used)."""

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    return count
