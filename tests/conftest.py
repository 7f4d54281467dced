"""Test setup: the suite runs against real PostgreSQL and Redis and stops loudly without them.

`make test` (tests/run.py) starts throwaway ones unless TEST_DATABASE_URL /
TEST_BROKER_URL name real servers; a configured server that does not answer
stops the run with its address.
"""

import dataclasses
import importlib
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pgtrigger
import pytest
from django.db import connection
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from .factories import UserFactory

FIXTURE_ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
# The two real seed articles are not part of the repository. When FACTCHECK_SEEDS_DIR names a folder
# (.ci/run sets it to a seeds folder it finds beside the checkout) their tests run too, and a folder
# named but without them fails the run; unset, only the project's own fixture texts are used.
SEEDS_DIR = Path(os.environ["FACTCHECK_SEEDS_DIR"]) if os.environ.get("FACTCHECK_SEEDS_DIR") else None


@dataclasses.dataclass(frozen=True)
class ArticleTexts:
    """An English and an Italian article as .txt files, and what the tests look for in them.

    The English file starts with its headline; the Italian one has none (its first line is the
    opening paragraph, whose first sentence serves as headline). `twice` occurs twice in the
    English body; `twice_prefix` is the context before its first occurrence (quote marks as in
    the text), `second_suffix` what follows the second. `italian_figure`
    is a figure written the Italian way ("94mil dollari").
    """

    name: str
    english: Path
    italian: Path
    english_title: str
    twice: str
    twice_prefix: str
    second_suffix: str
    italian_headline: str
    italian_figure: str

    @property
    def paths(self) -> list[Path]:
        return [self.english, self.italian]

    def read(self, path: Path) -> tuple[str, str]:
        """(first line, rest of the file), as the .txt import splits them."""
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        return title.strip(), body.strip("\n")


PROJECT_TEXTS = ArticleTexts(
    name="fixtures",
    english=FIXTURE_ARTICLES / "en_harbour_tunnel.txt",
    italian=FIXTURE_ARTICLES / "it_ponte_stretto.txt",
    english_title="Harbour tunnel contractor hits back after council vote",
    twice="found to be unsafe",
    twice_prefix="\u201cbeen ",
    second_suffix=" in 40 years of inspections",
    italian_headline="Stop ai cantieri del ponte sullo Stretto fino a settembre.",
    italian_figure="94mil dollari",
)


def _seed_texts() -> ArticleTexts:
    english = sorted(SEEDS_DIR.glob("000_*.txt"))
    italian = sorted(SEEDS_DIR.glob("003_*.txt"))
    if len(english) != 1 or len(italian) != 1:
        pytest.fail(f"The seed articles 000_*.txt and 003_*.txt are not in FACTCHECK_SEEDS_DIR={SEEDS_DIR}.")
    return ArticleTexts(
        name="seeds",
        english=english[0],
        italian=italian[0],
        english_title="Kaspersky reacts angrily after EU moves to ban its software",
        twice="confirmed as malicious",
        twice_prefix='has "been ',
        second_suffix=", such as Kaspersky Lab",
        italian_headline="Stop alle pubblicità delle soluzioni Kaspersky su Twitter.",
        italian_figure="94mil dollari",
    )


def pytest_generate_tests(metafunc):
    """Tests taking `article_texts` run on the project's fixture texts, and also on the real seeds
    when FACTCHECK_SEEDS_DIR names their folder."""
    if "article_texts" in metafunc.fixturenames:
        sources = ["fixtures"]
        if SEEDS_DIR is not None:
            sources.append("seeds")
        metafunc.parametrize("article_texts", sources, indirect=True)


@pytest.fixture
def article_texts(request) -> ArticleTexts:
    return PROJECT_TEXTS if request.param == "fixtures" else _seed_texts()


APPEND_ONLY_TRIGGERS = [
    f"annotations.{model}:{trigger}"
    for model in (
        *("AnnotationVersion", "ReviewTransition", "Publication", "ArticleRevision", "ClaimAnchor"),
        "AuditEvent",
        "WordsDecision",
        "CommentRevision",
        "PriorFactCheckChange",
    )
    for trigger in ("append_only_rows", "append_only_table")
]


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def pytest_configure(config):
    """Insist on PostgreSQL and Redis that answer: no silent fallback, a loud stop naming the address.

    Also compile the translation catalogues (.mo files are generated, not committed), as `make run` does:
    once, in the process that starts the xdist workers (they would race on the same files).
    """
    from django.conf import settings

    from factcheck.catalogues import compile_catalogues

    if not hasattr(config, "workerinput"):
        compile_catalogues()

    db = settings.DATABASES["default"]
    # The embedded server (DATABASE_URL unset) starts on the first connection; a configured one must answer.
    if "EMBEDDED" not in db and not _reachable(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)):
        pytest.exit(f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')}.", returncode=3)
    broker = urlsplit(settings.CELERY_BROKER_URL or "")
    if broker.scheme != "redis":
        pytest.exit("The suite needs CELERY_BROKER_URL=redis://... Run `make test`, which starts one.", 3)
    if not _reachable(broker.hostname or "127.0.0.1", broker.port or 6379):
        pytest.exit(f"Redis is not reachable at {broker.hostname}:{broker.port or 6379}.", returncode=3)
    _isolate_xdist_worker(settings)


def _isolate_xdist_worker(settings) -> None:
    """Under pytest-xdist, give this worker a Redis database of its own (gw0 the broker URL's own, gw1 the
    next, ...): its Celery workers, queued tasks and purges never meet another worker's. pytest-django
    already gives each worker its own test database (test_<name>_gw<N>)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    import redis

    from factcheck.celery import app

    broker = urlsplit(settings.CELERY_BROKER_URL)
    number = int(broker.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    url = broker._replace(path=f"/{number}").geturl()
    try:
        redis.Redis.from_url(url, socket_timeout=5).ping()
    except redis.ResponseError as error:  # "DB index is out of range": a server has 16 unless configured
        pytest.exit(f"Worker {worker} needs Redis database {number} ({error}): name a lower one or use fewer -n.", 3)
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = url  # the environment for subprocesses
    app.conf.broker_url = url


# Transactional tests end by truncating every table; the append-only triggers
# refuse that, as they should everywhere else, so the test teardown alone is let through.
_original_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self):
    _wait_for_other_sessions()
    with pgtrigger.ignore(*APPEND_ONLY_TRIGGERS):
        _original_fixture_teardown(self)


def _wait_for_other_sessions(timeout=30.0):
    """Let requests a closed browser left in flight on the live server (or a worker's task) finish first.

    TRUNCATE takes its locks table by table; a request still inside a transaction
    can take one the truncation needs next, and PostgreSQL then ends the flush as a deadlock.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():  # the live server's request threads, named after their target
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.05)


TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture(autouse=True)
def default_rating_scale_and_roles(request):
    """Transactional tests flush the data migrations' rows; put the rating scale and roles back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from django.apps import apps

        migration = importlib.import_module("annotations.migrations.0002_default_verdicts_and_roles")
        migration.create(apps, None)
        importlib.import_module("annotations.migrations.0017_verdict_translations").create(apps, None)


@pytest.fixture
def browser_client(client):
    """browser_client(user) -> Django's test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


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
def pg_connection_count():
    """Number of backends connected to the test database (to see that real separate connections are used)."""

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    return count


@pytest.fixture(autouse=True)
def streamed_export_slots_for_the_suite(settings):
    """A streamed export holds its slot (a session-level advisory lock) until its response is closed.
    Servers always close responses; the test client does not close one nobody reads, and the slot then
    stays with that database session, stranded if the session is later replaced. The cap is raised
    here so one such test cannot fail others; tests/test_export_limits.py sets and tests the cap."""
    settings.FACTCHECK = {**settings.FACTCHECK, "STREAMED_EXPORTS_MAX": 50}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at full strength costs ~0.3 s per user; tests that create users need no real hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class CeleryProcess:
    """A real Celery process (`celery <arguments>`) on the test database and Redis, its output in `log_path`."""

    kind = ""  # "worker", "beat": names its log file and its errors
    ready_line = b""  # what the process logs once it is running

    def __init__(self, arguments: list[str], env: dict, log_path: Path) -> None:
        import subprocess
        import sys

        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", *arguments],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery {self.kind} exited:\n{self.log_path.read_text(errors='replace')}")
            if self.ready_line in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError(f"The Celery {self.kind} did not get ready:\n{self.log_path.read_text(errors='replace')}")

    def kill(self) -> None:
        """SIGKILL: the process dies mid-task, without acknowledging or cleaning up anything."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


class CeleryWorker(CeleryProcess):
    """A real Celery worker process (factcheck's app, see tests/celery_app.py)."""

    kind = "worker"
    ready_line = b" ready."

    def __init__(self, env: dict, log_path: Path) -> None:
        super().__init__(
            ["-A", "tests.celery_app", "worker", "-Q", "celery,exports", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{log_path.stem}@%h"],
            env, log_path,
        )  # fmt: skip


class CeleryBeat(CeleryProcess):
    """`celery -A factcheck beat`, as deployed: it sends CELERY_BEAT_SCHEDULE's tasks to the test broker.
    Its schedule file (when each entry last ran) lies beside its log, so every beat starts afresh."""

    kind = "beat"
    ready_line = b"beat: Starting..."

    def __init__(self, env: dict, log_path: Path) -> None:
        schedule = log_path.with_suffix(".schedule")
        super().__init__(["-A", "factcheck", "beat", "--loglevel=INFO", "-s", str(schedule)], env, log_path)


@pytest.fixture
def celery_env(transactional_db, settings, tmp_path) -> dict:
    """The environment of Celery processes: the pytest-django test database, the test broker and a fresh
    export directory shared with the test process."""
    from factcheck.celery import app

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    export_dir = tmp_path / "exports"
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": export_dir}
    app.control.purge()  # tasks left in the queue by earlier runs would only confuse this one
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "FACTCHECK_EXPORT_DIR": str(export_dir),
        "CONN_MAX_AGE": "0",
    }


def _celery_processes(celery: type[CeleryProcess], base_env: dict, tmp_path: Path):
    """start(**env) -> a ready `celery` process (env adds to the environment); all are stopped at teardown.
    start(ready=False, ...) returns at once, to start another meanwhile: then call its wait_ready()."""
    started: list[CeleryProcess] = []

    def start(*, ready: bool = True, **env) -> CeleryProcess:
        env = {**base_env, **{name: str(value) for name, value in env.items()}}
        process = celery(env, tmp_path / f"{celery.kind}{len(started)}.log")
        started.append(process)
        if ready:
            process.wait_ready()
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def celery_workers(celery_env, tmp_path):
    """start(**env) -> a ready CeleryWorker (env adds to the environment, e.g. FACTCHECK_TEST_ROW_DELAY).

    Workers use the test database and broker (celery_env); all are stopped before the database is flushed.
    """
    yield from _celery_processes(CeleryWorker, celery_env, tmp_path)


@pytest.fixture
def celery_beat(celery_env, tmp_path):
    """start(**env) -> a running CeleryBeat (env adds to the environment, e.g. FACTCHECK_PRIOR_FEEDS_REFRESH_S=1);
    stopped before the database is flushed. Its tasks run only where a worker runs (celery_workers)."""
    yield from _celery_processes(CeleryBeat, celery_env, tmp_path)


@pytest.fixture
def celery_worker_process(celery_workers):
    """One running Celery worker (see celery_workers) for tests that need jobs to run for real."""
    return celery_workers()
