"""A whole desk on loopback for load tests and fault drills: PostgreSQL, Redis, gunicorn, a Celery worker.

    stack = Desk(base_port=8720, workers=2, threads=4)
    stack.start(claims=20000, reviewers=8, editors=2, exporters=4)   # fixtures -> stack.fixtures
    ...
    stack.stop()

Ports: base (PostgreSQL), base+1 (Redis), base+2 (gunicorn). PostgreSQL and
Redis are throwaway servers (bench/local_servers.py), so drills may stop them.
The export worker consumes both queues with concurrency 1, as README suggests
for the `exports` queue. `verify_saves` checks the database directly (psycopg2),
so callers need no Django of their own.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_servers import LocalPostgres, LocalRedis

ROOT = Path(__file__).resolve().parent.parent


class Desk:
    def __init__(
        self, base_port: int, *, workers: int = 2, threads: int = 4, visibility_timeout: int = 5, extra_env=None
    ) -> None:
        self.base_port = base_port
        self.workers = workers
        self.threads = threads
        self.tmp = Path(tempfile.mkdtemp(prefix=f"desk-{base_port}-"))
        self.postgres = LocalPostgres(base_port)
        self.redis = LocalRedis(base_port + 1)
        self.port = base_port + 2
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = self.postgres.url("bench_desk")
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis.url(),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CONN_MAX_AGE": "600",
            "FACTCHECK_EXPORT_DIR": str(self.tmp / "exports"),
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "LOG_LEVEL": "ERROR",
            **(extra_env or {}),
        }
        self.gunicorn: subprocess.Popen | None = None
        self.celery: subprocess.Popen | None = None
        self.celery_app = "tests.celery_app" if "FACTCHECK_TEST_ROW_DELAY" in self.env else "factcheck"
        self.fixtures: dict = {}

    # ------------------------------------------------------------ lifecycle

    def start(self, *, claims: int = 0, reviewers: int = 4, editors: int = 2, exporters: int = 0) -> dict:
        self.postgres.start()
        self.postgres.create_database("bench_desk")
        self.redis.start()
        self.manage("migrate", "--no-input", "-v", "0")
        if claims:
            self.manage("seed_benchmark", "--claims", str(claims))
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "desk_fixtures.py"), str(reviewers), str(editors), str(exporters)],
            env=self.env, cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        self.fixtures = json.loads(out.stdout)
        self.start_gunicorn()
        self.start_celery()
        return self.fixtures

    def stop(self) -> None:
        for process in (self.gunicorn, self.celery):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.redis.destroy()
        self.postgres.destroy()

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], env=self.env, cwd=ROOT, check=True)

    def start_gunicorn(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", "gthread", "--keep-alive", "30", "--log-level", "warning", "--graceful-timeout", "5",
        ]  # fmt: skip
        self.gunicorn = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=self._log("gunicorn"))
        if not wait_until(self.ready, 60, interval=0.2):
            raise RuntimeError(f"gunicorn did not get ready; see {self.tmp / 'gunicorn.log'}")

    def ready(self) -> bool:
        """/readyz answers 200: database, migrations and broker all fine."""
        import urllib.request

        try:
            with urllib.request.urlopen(f"{self.url}/readyz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def start_celery(self) -> None:
        command = [
            # With FACTCHECK_TEST_ROW_DELAY set, the test app slows exported rows (so a kill lands mid-job).
            sys.executable, "-m", "celery", "-A", self.celery_app, "worker", "-Q", "celery,exports",
            "--concurrency", "1", "--pool", "prefork", "--loglevel", "WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"desk{self.base_port}@%h",
        ]  # fmt: skip
        self.celery = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log("celery"), stderr=-2)

    def _log(self, name: str):
        return (self.tmp / f"{name}.log").open("ab")

    # ------------------------------------------------------------ faults

    def gunicorn_workers(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.gunicorn.pid).children()]

    def kill_gunicorn_worker(self) -> int:
        pid = self.gunicorn_workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_celery(self) -> None:
        """SIGKILL the worker and its pool children: tasks in flight stay unacknowledged."""
        parent = psutil.Process(self.celery.pid)
        for child in parent.children(recursive=True):
            child.kill()
        parent.kill()
        self.celery.wait(timeout=30)

    def restart_redis(self) -> None:
        self.redis.stop()
        self.redis.start()

    # ------------------------------------------------------------ checks (psycopg2 on the desk's database)

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(self.database_url)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def verify_saves(self, accepted: list[dict]) -> dict:
        """Every accepted save ({annotation, version, rationale}) stored once with its content; gapless versions."""
        rows = self.query(
            "SELECT annotation_id, number, rationale FROM annotations_annotationversion WHERE annotation_id = ANY(%s)",
            ([save["annotation"] for save in accepted] or [0],),
        )
        stored = {(annotation, number): rationale for annotation, number, rationale in rows}
        by_rationale: dict[str, int] = {}
        for _annotation, _number, rationale in rows:
            by_rationale[rationale] = by_rationale.get(rationale, 0) + 1
        lost = [s for s in accepted if stored.get((s["annotation"], s["version"])) != s["rationale"]]
        duplicated = [s for s in accepted if by_rationale.get(s["rationale"], 0) > 1]
        gaps = self.query(
            """SELECT a.id FROM annotations_annotation a JOIN annotations_annotationversion v ON v.annotation_id = a.id
               GROUP BY a.id, a.version HAVING count(*) <> max(v.number) OR max(v.number) <> a.version
               OR min(v.number) <> 1"""
        )
        return {
            "accepted": len(accepted),
            "stored": len(accepted) - len(lost),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "annotations_with_gaps": len(gaps),
        }

    def verify_export_jobs(self) -> dict:
        """Every job marked succeeded has its complete file: present, with the recorded sha256."""
        import hashlib

        jobs = self.query("SELECT id, status, file, checksum FROM annotations_exportjob")
        bad = 0
        succeeded = 0
        for _id, status, name, checksum in jobs:
            if status != "succeeded":
                continue
            succeeded += 1
            path = Path(self.env["FACTCHECK_EXPORT_DIR"]) / name
            if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != checksum:
                bad += 1
        return {"jobs": len(jobs), "succeeded": succeeded, "succeeded_but_incomplete": bad}


def wait_until(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)  # polling for a condition
    return False
