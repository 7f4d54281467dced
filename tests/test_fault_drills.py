"""Short fault drills (bench/faults.py) in the suite: a killed gunicorn worker, a killed Celery worker,
and PostgreSQL stopped and started again, each in the middle of saves.

The drills run a desk of their own (bench/desk.py): an embedded PostgreSQL and a
Redis on free loopback ports, gunicorn and a Celery worker. The suite's database
and Redis are never touched.
"""

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from desk import Desk
from faults import run_drill

pytestmark = pytest.mark.drill


def free_base_port() -> int:
    """Three consecutive free loopback ports (PostgreSQL, Redis, gunicorn)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + 2 >= 65536:
            continue
        try:
            for port in (base + 1, base + 2):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three consecutive free ports")


@pytest.fixture(scope="module")
def desk():
    # 20 published verdicts at 0.1 s a row: an export job runs ~2 s, long enough to be cut off.
    stack = Desk(free_base_port(), extra_env={"FACTCHECK_TEST_ROW_DELAY": "0.1"})
    try:
        stack.start(claims=20, reviewers=3, editors=1, exporters=1)
        yield stack
    finally:
        stack.stop()


def assert_every_accepted_save_is_stored_once(result: dict) -> None:
    assert result["accepted"] > 0
    assert result["stored"] == result["accepted"]
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["annotations_with_gaps"] == 0


def server_errors(result: dict) -> dict:
    return {key: count for key, count in result["answers"].items() if str(key).split()[-1].startswith("5")}


def test_saves_survive_a_killed_gunicorn_worker(desk):
    result = run_drill(desk, "gunicorn-kill", clients=3, before=1.5, after=3.0, exports=False)

    assert_every_accepted_save_is_stored_once(result)
    assert server_errors(result) == {}
    assert result["recovery_s"] is not None  # saves are accepted again after the kill


def test_export_job_cut_off_by_a_killed_celery_worker_is_never_marked_done_half_written(desk):
    result = run_drill(desk, "celery-restart", clients=2, before=1.5, after=2.0)

    assert_every_accepted_save_is_stored_once(result)
    assert result["exports_succeeded_but_incomplete"] == 0
    assert result["exports_succeeded"] > 0
    assert set(result["export_jobs"]) <= {"succeeded"}  # the interrupted job was run again to the end


def test_database_outage_answers_503_with_retry_after_then_saves_and_exports_resume(desk):
    result = run_drill(desk, "postgres-stop", clients=3, before=1.5, after=3.0, outage=2.0)

    assert_every_accepted_save_is_stored_once(result)
    assert result["answers"].get(503, 0) > 0
    assert result["503_without_retry_after"] == 0
    assert server_errors(result).keys() <= {503, "export 503"}
    assert result["recovery_s"] is not None  # saves are accepted again once the database is back
    assert result["exports_succeeded_but_incomplete"] == 0
    assert set(result["export_jobs"]) <= {"succeeded", "failed"}  # none left queued or running for ever
