"""The default database: with DATABASE_URL unset, an embedded PostgreSQL started on demand and reused.

Each test drives real processes (`manage.py`, a script) with DATABASE_URL unset and
FACTCHECK_PGDATA in a temporary directory, as `make run` does with var/pg. initdb runs once per
session; each test starts from a copy of that data directory.
"""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

from factcheck.embedded_db import server

ROOT = Path(__file__).resolve().parent.parent


def _private_parent(prefix: str) -> Path:
    # Not under pytest's tmp_path: pytest makes its base directory private again at every session
    # start, and as root the server runs as another user, who must reach the data directory. The
    # test opens its own folder (the server module changes no permission outside the data directory).
    parent = Path(tempfile.mkdtemp(prefix=prefix))
    parent.chmod(0o755)
    return parent


def _copy(template: Path, data_dir: Path) -> Path:
    """A copy of an initialised data directory, owners and modes kept (`cp -a`), with its password file."""
    subprocess.run(["cp", "-a", str(template), str(data_dir)], check=True)
    shutil.copy2(server.password_path(template), server.password_path(data_dir))
    return data_dir


@pytest.fixture(scope="session")
def initialised():
    """One data directory initialised (initdb, password) for the whole session; tests take copies."""
    parent = _private_parent("factcheck-embedded-template-")
    template = parent / "pg"
    server.ensure_running(template, database="factcheck")
    server.stop(template)
    yield template
    server.destroy(template)
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def pgdata(initialised):
    parent = _private_parent("factcheck-embedded-")
    data_dir = _copy(initialised, parent / "pg")
    yield data_dir
    server.destroy(data_dir)
    shutil.rmtree(parent, ignore_errors=True)


def run(pgdata: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["FACTCHECK_PGDATA"] = str(pgdata)
    env["ALLOWED_HOSTS"] = "testserver"
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage(pgdata: Path, *args: str) -> str:
    return run(pgdata, "manage.py", *args).stdout


PORT = "from django.db import connection; connection.ensure_connection(); print(connection.settings_dict['PORT'])"


def test_first_connection_starts_the_server_and_later_commands_reuse_it(pgdata):
    assert "not running" in manage(pgdata, "dbserver")
    first_port = manage(pgdata, "shell", "-v0", "-c", PORT).strip()
    running = server.status(pgdata)
    assert running is not None and str(running.port) == first_port
    assert manage(pgdata, "shell", "-v0", "-c", PORT).strip() == first_port
    assert server.status(pgdata).pid == running.pid
    assert f"running: pid {running.pid}" in manage(pgdata, "dbserver", "status")
    assert "stopped" in manage(pgdata, "dbserver", "stop")
    assert server.status(pgdata) is None
    assert "not running" in manage(pgdata, "dbserver", "status")


def test_processes_starting_at_once_share_one_server(pgdata):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["FACTCHECK_PGDATA"] = str(pgdata)
    command = [sys.executable, "manage.py", "shell", "-v0", "-c", PORT]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, outputs
    assert len({out.strip() for out, _err in outputs}) == 1
    assert str(server.status(pgdata).port) == outputs[0][0].strip()


def test_a_killed_server_is_detected_and_started_again(pgdata):
    manage(pgdata, "dbserver", "start")
    killed = server.status(pgdata)
    os.kill(killed.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.status(pgdata) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.status(pgdata) is None
    assert (pgdata / "postmaster.pid").exists()  # the stale lock file the killed server left

    port = manage(pgdata, "shell", "-v0", "-c", PORT).strip()
    restarted = server.status(pgdata)
    assert restarted is not None and restarted.pid != killed.pid and str(restarted.port) == port


def test_a_pid_file_naming_another_program_is_stale_and_the_server_starts(pgdata):
    manage(pgdata, "dbserver", "start")
    manage(pgdata, "dbserver", "stop")
    other = subprocess.Popen(["sleep", "60"])
    try:
        (pgdata / "postmaster.pid").write_text(f"{other.pid}\n{pgdata}\n0\n5432\n\n127.0.0.1\n0 0\nready\n")
        assert server.status(pgdata) is None
        manage(pgdata, "shell", "-v0", "-c", PORT)
        assert server.status(pgdata).pid != other.pid
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_a_pid_file_naming_another_postgresql_server_leaves_that_server_alone(pgdata, initialised):
    """After a reboot the old PID may be someone else's PostgreSQL server: it is not ours to stop."""
    other_dir = _copy(initialised, pgdata.with_name("other"))
    other = server.ensure_running(other_dir)
    try:
        manage(pgdata, "dbserver", "start")
        manage(pgdata, "dbserver", "stop")
        (pgdata / "postmaster.pid").write_text(f"{other.pid}\n{pgdata}\n0\n5432\n\n127.0.0.1\n0 0\nstarting\n")
        manage(pgdata, "shell", "-v0", "-c", PORT)
        assert server.status(pgdata).pid != other.pid
        assert server.status(other_dir) == other
    finally:
        server.destroy(other_dir)


RACE = """
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient
from tests.factories import ClaimFactory, UserFactory, make_annotation

call_command("migrate", verbosity=0)
editor = UserFactory(role="editor", username="racer")
annotation = make_annotation(ClaimFactory(), editor, confidence=50)
barrier = threading.Barrier(16)
statuses = []

def save(index):
    client = APIClient()
    client.force_authenticate(editor)
    barrier.wait()
    response = client.patch(
        f"/api/v1/annotations/{annotation.pk}/", {"confidence": index}, format="json", HTTP_IF_MATCH='"1"'
    )
    statuses.append(response.status_code)
    connection.close()

threads = [threading.Thread(target=save, args=(i,)) for i in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
annotation.refresh_from_db()
print(json.dumps({"engine": connection.vendor, "statuses": sorted(statuses), "version": annotation.version}))
"""


def test_sixteen_writers_racing_on_one_etag_on_the_default_database_get_one_200_and_fifteen_412s(pgdata):
    env_script = "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'factcheck.settings');" + RACE
    result = json.loads(run(pgdata, "-c", env_script).stdout.strip().splitlines()[-1])
    assert result == {"engine": "postgresql", "statuses": [200] + [412] * 15, "version": 2}


# ---------------------------------------------------------------- a private server


def test_the_server_refuses_a_connection_without_the_password(pgdata):
    running = server.ensure_running(pgdata)
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(host=running.host, port=running.port, user="postgres", dbname="postgres")


def test_the_server_refuses_a_wrong_password(pgdata):
    running = server.ensure_running(pgdata)
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(host=running.host, port=running.port, user="postgres", password="guess", dbname="postgres")


def test_the_password_is_kept_beside_the_data_directory_readable_by_its_owner_only(pgdata):
    running = server.ensure_running(pgdata)
    path = server.password_path(pgdata)
    assert path == pgdata.with_name("pg.password")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    psycopg2.connect(
        host=running.host, port=running.port, user="postgres", password=path.read_text().strip(), dbname="postgres"
    ).close()


def test_the_projects_own_connection_uses_the_password(pgdata):
    assert manage(pgdata, "shell", "-v0", "-c", PORT).strip() == str(server.status(pgdata).port)


def test_a_data_directory_from_before_passwords_gets_one_at_its_next_start(pgdata):
    hba = pgdata / "pg_hba.conf"
    hba.write_text(hba.read_text().replace("scram-sha-256", "trust"))
    server.password_path(pgdata).unlink()
    running = server.ensure_running(pgdata)
    assert running.password and server.read_password(pgdata) == running.password
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(host=running.host, port=running.port, user="postgres", dbname="postgres")


def _modes(path: Path) -> dict[Path, int]:
    return {parent: stat.S_IMODE(parent.stat().st_mode) for parent in path.parents}


def test_starting_changes_no_parent_directorys_permissions(initialised):
    parent = _private_parent("factcheck-embedded-modes-")
    inner = parent / "traversable-only"
    inner.mkdir(mode=0o711)  # others may pass through, not list: the server needs no more
    inner.chmod(0o711)
    data_dir = _copy(initialised, inner / "pg")
    before = {**_modes(data_dir), **_modes(server.POSTGRES_BIN_PATH / "postgres")}
    try:
        server.ensure_running(data_dir)
        after = {**_modes(data_dir), **_modes(server.POSTGRES_BIN_PATH / "postgres")}
        assert after == before
    finally:
        server.destroy(data_dir)
        shutil.rmtree(parent, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="as root the server runs as another user, who needs a way in")
def test_as_root_a_parent_closed_to_others_is_named_and_left_closed(initialised):
    parent = Path(tempfile.mkdtemp(prefix="factcheck-embedded-closed-"))  # 0700
    data_dir = parent / "pg"
    try:
        with pytest.raises(server.ServerError, match=f"{parent} is closed to other users"):
            server.ensure_running(data_dir)
        assert stat.S_IMODE(parent.stat().st_mode) == 0o700
    finally:
        server.destroy(data_dir)
        shutil.rmtree(parent, ignore_errors=True)
