"""Fault drills (local processes only): each fault strikes in the middle of a desk's saves and exports.

    python bench/faults.py                       # all four drills, ~1 minute
    python bench/faults.py --drills postgres-stop gunicorn-kill --clients 4

Drills, each against the same desk (bench/desk.py: its own PostgreSQL and Redis
on --base-port.., gunicorn 2x4, a Celery worker on both queues):

- gunicorn-kill: SIGKILL one gunicorn worker (the master starts another);
- redis-restart: stop the broker and start it again;
- celery-restart: SIGKILL the Celery worker mid-export, start a new one;
- postgres-stop: stop PostgreSQL (fast shutdown) for --outage seconds, start it again.

Clients keep saving with If-Match (re-read on 412; on 503 they wait and retry)
while an exporter starts export jobs. Afterwards, per drill: saves attempted,
accepted (2xx), stored, lost (must be 0), duplicated (0); version numbers
gapless; answers seen by clients by status (503 with Retry-After is the
expected answer while the database is down; a 500 is a failure); recovery time
from the repair to the first accepted save; export jobs: none marked succeeded
without its complete file. Exits non-zero when a check fails.
"""

import argparse
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk import Desk, wait_until

API = "/api/v1"


class SaveClient(threading.Thread):
    """One reviewer: creates a claim and its annotation, then saves it again and again with If-Match."""

    def __init__(self, desk: Desk, index: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.desk, self.index, self.stop = desk, index, stop
        self.session = requests.Session()
        reviewers = desk.fixtures["reviewers"]
        self.session.headers["Authorization"] = f"Token {reviewers[index % len(reviewers)]}"
        self.attempted = 0
        self.accepted: list[dict] = []
        self.answers: Counter = Counter()
        self.retry_after_missing = 0
        self.events: list[tuple[float, bool]] = []  # (time, accepted?) of every save attempt
        self.annotation, self.version = self._annotation()

    def _annotation(self) -> tuple[int, int]:
        article = self.desk.fixtures["articles"][self.index % len(self.desk.fixtures["articles"])]
        phrase = article["phrases"][(self.index * 7 + int(time.time())) % len(article["phrases"])]
        selector = [{"type": "TextQuoteSelector", "exact": phrase}]
        claim = self._post(f"/articles/{article['id']}/claims/", {"selector": selector, "claimant": "Drill"})
        rationale = f"drill {uuid.uuid4().hex}"
        body = {"verdict": "mixed", "confidence": 50, "rationale": rationale, "evidence": []}
        created = self._post(f"/claims/{claim['id']}/annotations/", body)
        self.accepted.append({"annotation": created["id"], "version": created["version"], "rationale": rationale})
        return created["id"], created["version"]

    def _post(self, path: str, body: dict) -> dict:
        response = self.session.post(self.desk.url + API + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def run(self) -> None:
        while not self.stop.is_set():
            self.save_once()
            time.sleep(0.05)  # a little think time between saves

    def save_once(self) -> None:
        rationale = f"drill {uuid.uuid4().hex}"
        self.attempted += 1
        url = f"{self.desk.url}{API}/annotations/{self.annotation}/"
        try:
            response = self.session.patch(
                url, json={"rationale": rationale}, headers={"If-Match": f'"{self.version}"'}, timeout=10
            )
        except requests.RequestException:
            self.answers["no answer"] += 1
            self.events.append((time.monotonic(), False))
            self.session.close()  # a new connection next time
            time.sleep(0.2)
            return
        status = response.status_code
        self.answers[status] += 1
        if 200 <= status < 300:
            self.version = response.json()["version"]
            self.accepted.append({"annotation": self.annotation, "version": self.version, "rationale": rationale})
            self.events.append((time.monotonic(), True))
            return
        self.events.append((time.monotonic(), False))
        if status == 412:
            self.version = response.json()["current"]["version"]
        elif status == 503:
            if "Retry-After" not in response.headers:
                self.retry_after_missing += 1
            time.sleep(0.2)  # told to retry later; a drill does not wait the full Retry-After
        elif status == 404 or status >= 500:
            time.sleep(0.2)


class ExportClient(threading.Thread):
    """An editor who starts a CSV export job every couple of seconds."""

    def __init__(self, desk: Desk, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.desk, self.stop = desk, stop
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {desk.fixtures['exporters'][0]}"
        self.answers: Counter = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.session.post(f"{self.desk.url}{API}/exports/", json={"format": "csv"}, timeout=10)
                self.answers[response.status_code] += 1
            except requests.RequestException:
                self.answers["no answer"] += 1
                self.session.close()
            self.stop.wait(2.0)


def fault_gunicorn_kill(desk: Desk, outage: float) -> None:
    desk.kill_gunicorn_worker()


def fault_redis_restart(desk: Desk, outage: float) -> None:
    desk.redis.stop()
    time.sleep(min(outage, 1.0))
    desk.redis.start()


def fault_celery_restart(desk: Desk, outage: float) -> None:
    desk.kill_celery()
    desk.start_celery()


def fault_postgres_stop(desk: Desk, outage: float) -> None:
    desk.postgres.stop("fast")
    time.sleep(outage)
    desk.postgres.start()


DRILLS = {
    "gunicorn-kill": fault_gunicorn_kill,
    "redis-restart": fault_redis_restart,
    "celery-restart": fault_celery_restart,
    "postgres-stop": fault_postgres_stop,
}


def run_drill(desk: Desk, name: str, *, clients: int = 4, before: float = 3.0, after: float = 6.0,
              outage: float = 3.0, exports: bool = True) -> dict:  # fmt: skip
    """Load, fault in the middle, load on; then the checks. Returns the drill's figures."""
    stop = threading.Event()
    savers = [SaveClient(desk, index, stop) for index in range(clients)]
    exporter = ExportClient(desk, stop) if exports else None
    threads = [*savers, *([exporter] if exporter else [])]
    for thread in threads:
        thread.start()
    time.sleep(before)  # load runs before the fault
    struck = time.monotonic()
    DRILLS[name](desk, outage)
    repaired = time.monotonic()
    time.sleep(after)  # and after the repair
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    accepted = [save for client in savers for save in client.accepted]
    answers: Counter = Counter()
    for client in savers:
        answers.update(client.answers)
    if exporter:
        answers.update({f"export {key}": value for key, value in exporter.answers.items()})
    failures = [t for client in savers for t, ok in client.events if not ok and t >= struck]
    successes = sorted(t for client in savers for t, ok in client.events if ok)
    last_failure = max(failures, default=None)
    # Recovery: from the repair to the first accepted save after the last refused one (0: nobody was refused).
    first_after = next((t for t in successes if t > last_failure), None) if last_failure else repaired
    # Export jobs still queued or running get a while to finish (redelivery after a lost worker included).
    wait_until(lambda: not desk.query("SELECT 1 FROM annotations_exportjob WHERE status IN ('queued','running')"), 30)
    job_states = dict(desk.query("SELECT status, count(*) FROM annotations_exportjob GROUP BY status"))
    return {
        "drill": name,
        "attempted": sum(client.attempted for client in savers) + clients,  # + the version-1 creations
        **desk.verify_saves(accepted),
        "answers": dict(sorted(answers.items(), key=str)),
        "503_without_retry_after": sum(client.retry_after_missing for client in savers),
        "fault_s": round(repaired - struck, 2),
        "recovery_s": round(max(0.0, first_after - repaired), 2) if first_after else None,
        "export_jobs": job_states,
        **{f"exports_{key}": value for key, value in desk.verify_export_jobs().items() if key != "jobs"},
    }


def failed_checks(result: dict) -> list[str]:
    problems = []
    if result["lost"] or result["duplicated"] or result["annotations_with_gaps"]:
        problems.append("saves lost, duplicated or versions with gaps")
    if any((str(key).startswith("5") and key != 503) or key == "export 500" for key in result["answers"]):
        problems.append("a 5xx other than 503")
    if result["503_without_retry_after"]:
        problems.append("503 without Retry-After")
    if result["exports_succeeded_but_incomplete"]:
        problems.append("an export marked succeeded without its complete file")
    if result["recovery_s"] is None:
        problems.append("no accepted save after the repair")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drills", nargs="+", choices=list(DRILLS), default=list(DRILLS))
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--outage", type=float, default=4.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--claims", type=int, default=3000, help="published verdicts (export size)")
    parser.add_argument("--base-port", type=int, default=8730)
    args = parser.parse_args()
    # Export rows slowed down so a job is still running when its worker is killed.
    desk = Desk(args.base_port, extra_env={"FACTCHECK_TEST_ROW_DELAY": "0.001"})
    failures = 0
    try:
        desk.start(claims=args.claims, reviewers=args.clients, editors=1, exporters=1)
        print(f"desk on 127.0.0.1:{args.base_port}..{args.base_port + 2}; shared machine (2 cores, 8 people)")
        for name in args.drills:
            print(f"-- {name}", flush=True)
            result = run_drill(desk, name, clients=args.clients, outage=args.outage)
            problems = failed_checks(result)
            failures += bool(problems)
            print(f"\n== {name}: {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}")
            for key, value in result.items():
                print(f"   {key:<34} {value}")
    finally:
        desk.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
