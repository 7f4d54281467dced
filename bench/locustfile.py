"""A newsroom desk for locust: reviewers mark claims and save annotations, editors review, a few export.

Run by bench/load.py (`make bench-load`), which starts the desk and passes:
    DESK_FIXTURES   JSON from bench/desk_fixtures.py (tokens, articles)
    DESK_SAVES_LOG  where each accepted save is appended (JSON lines) for the check afterwards

Every save is a PATCH with If-Match; on 412 the user takes the current version
from the answer and retries (at most 5 times). A save counts as accepted only
on a 2xx; its annotation, version number and unique rationale are logged.
"""

import json
import os
import random
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

FIXTURES = json.loads(Path(os.environ["DESK_FIXTURES"]).read_text()) if os.environ.get("DESK_FIXTURES") else {}
SAVES_LOG = os.environ.get("DESK_SAVES_LOG")
VERDICTS = ["true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unproven"]
API = "/api/v1"


def log_save(annotation: int, version: int, rationale: str) -> None:
    if SAVES_LOG:
        with open(SAVES_LOG, "a") as out:
            out.write(json.dumps({"annotation": annotation, "version": version, "rationale": rationale}) + "\n")


class DeskUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    pool = "reviewers"
    _taken: dict = {}

    def on_start(self) -> None:
        tokens = FIXTURES[self.pool]
        index = DeskUser._taken.get(self.pool, 0)
        DeskUser._taken[self.pool] = index + 1
        self.client.headers["Authorization"] = f"Token {tokens[index % len(tokens)]}"
        self.client.headers["Accept"] = "application/json"

    def save(self, annotation: int, version: int, name: str) -> int | None:
        """PATCH with If-Match; on 412 re-read from the answer and retry. Returns the new version or None."""
        for _attempt in range(5):
            rationale = f"{name} {uuid.uuid4().hex}"
            body = {"rationale": rationale, "verdict": random.choice(VERDICTS), "confidence": random.randint(0, 100)}
            with self.client.patch(
                f"{API}/annotations/{annotation}/", json=body, headers={"If-Match": f'"{version}"'},
                name="PATCH annotation (save)", catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 412:
                    response.success()  # the expected answer to a stale save: re-read and retry
                    version = response.json()["current"]["version"]
                    continue
                if 200 <= response.status_code < 300:
                    saved = response.json()["version"]
                    log_save(annotation, saved, rationale)
                    return saved
                return None
        return None


class Reviewer(DeskUser):
    """Reads an article, marks a claim, annotates it, revises the annotation a few times, submits."""

    weight = 4
    pool = "reviewers"

    @task
    def annotate_a_claim(self) -> None:
        article = random.choice(FIXTURES["articles"])
        self.client.get(f"{API}/articles/{article['id']}/", name="GET article")
        self.client.get(f"{API}/articles/{article['id']}/claims/", name="GET article claims")
        phrase = random.choice(article["phrases"])
        selector = [{"type": "TextQuoteSelector", "exact": phrase}]
        with self.client.post(
            f"{API}/articles/{article['id']}/claims/", json={"selector": selector, "claimant": "Desk"},
            name="POST claim (mark)", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 400 and "already covers" in response.text:
                response.success()  # someone marked this phrase first: the reviewer moves on
                return
            if response.status_code != 201:
                return
        claim = response.json()["id"]
        rationale = f"first {uuid.uuid4().hex}"
        response = self.client.post(
            f"{API}/claims/{claim}/annotations/",
            json={"verdict": random.choice(VERDICTS), "confidence": 50, "rationale": rationale, "evidence": []},
            name="POST annotation (version 1)",
        )
        if response.status_code != 201:
            return
        annotation, version = response.json()["id"], response.json()["version"]
        log_save(annotation, version, rationale)
        for _ in range(random.randint(1, 3)):
            time.sleep(random.uniform(0.2, 1.0))  # thinking between saves
            saved = self.save(annotation, version, "reviewer")
            if saved is None:
                return
            version = saved
        self.client.post(f"{API}/annotations/{annotation}/submit/", json={}, name="POST submit")


class Editor(DeskUser):
    """Works the review queue: reads a submitted annotation, sometimes edits it (racing its reviewer), approves."""

    weight = 1
    pool = "editors"

    @task
    def review_one(self) -> None:
        response = self.client.get(f"{API}/annotations/?status=submitted", name="GET review queue")
        if response.status_code != 200 or not response.json()["results"]:
            return
        item = random.choice(response.json()["results"])
        response = self.client.get(f"{API}/annotations/{item['id']}/", name="GET annotation")
        if response.status_code != 200:
            return
        version = response.json()["version"]
        if random.random() < 0.3:
            saved = self.save(item["id"], version, "editor")
            if saved is None:
                return
        with self.client.post(
            f"{API}/annotations/{item['id']}/approve/", json={}, name="POST approve", catch_response=True
        ) as response:
            if response.status_code == 409:
                response.success()  # another editor approved (or the reviewer changed) it first


class Exporter(DeskUser):
    """Downloads the streamed CSV (429 when all slots are busy: then uses a job) or runs an export job."""

    fixed_count = 0  # set by bench/load.py through DESK_EXPORTERS
    pool = "exporters"
    wait_time = between(0.5, 1.5)

    @task(2)
    def streamed_csv(self) -> None:
        with self.client.get(
            f"{API}/exports/verdicts.csv", name="GET export CSV (streamed)", stream=True, catch_response=True
        ) as response:
            if response.status_code == 429:
                response.success()  # the limit at work, not an error: go through the job API instead
                self.export_job(response.json()["jobs_url"])
                return
            for _block in response.iter_content(65536):
                pass

    @task(1)
    def job(self) -> None:
        self.export_job(f"{API}/exports/")

    def export_job(self, url: str) -> None:
        response = self.client.post(url, json={"format": "csv"}, name="POST export job")
        if response.status_code != 202:
            return
        job = response.json()["id"]
        for _ in range(600):
            time.sleep(0.5)
            state = self.client.get(f"{API}/exports/{job}/", name="GET export job").json()
            if state["status"] in ("succeeded", "failed"):
                break
        if state.get("status") == "succeeded":
            with self.client.get(f"{API}/exports/{job}/download/", name="GET export job file", stream=True) as r:
                for _block in r.iter_content(65536):
                    pass


Exporter.fixed_count = int(os.environ.get("DESK_EXPORTERS", "0"))


# Every request's outcome, for bench/load.py's own percentiles: (name, milliseconds, status, failed).
_requests: list = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    _requests.append((name, response_time, status, exception is not None))


@events.quitting.add_listener
def _dump(environment, **kwargs):
    if os.environ.get("DESK_REQUESTS_LOG"):
        with open(os.environ["DESK_REQUESTS_LOG"], "w") as out:
            json.dump(_requests, out)
