"""The default database: with DATABASE_URL unset, an embedded PostgreSQL started on demand and reused.

Each test drives real processes (`manage.py`, a script) with DATABASE_URL unset and
FACTCHECK_PGDATA in a temporary directory, as `make run` does with var/pg.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from factcheck.embedded_db import server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pgdata():
    # Not under pytest's tmp_path: pytest makes its base directory private again at every session
    # start, and as root the server runs as another user who must reach the data directory.
    parent = Path(tempfile.mkdtemp(prefix="factcheck-embedded-"))
    data_dir = parent / "pg"
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


def test_a_pid_file_naming_another_postgresql_server_leaves_that_server_alone(pgdata):
    """After a reboot the old PID may be someone else's PostgreSQL server: it is not ours to stop."""
    other_dir = pgdata.with_name("other")
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
