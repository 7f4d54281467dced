"""Benchmark: the article reader with 1,000 claims, on the server and in the browser.

Usage: python bench/page.py [--runs 30] [--db factcheck_bench_page] [--port 8310]

Builds (once) a PostgreSQL database `factcheck_bench_page` on 127.0.0.1:5432
holding an article with 1,000 claims (700 with published verdicts, one in ten
nested inside another), then prints:

- server: render time of the article page through Django's test client
  (median and p95 over --runs), next to two baselines measured in the same
  run: a trivial response (/verdicts.css) and the reader for an article with
  the same body and no claims;
- browser: headless Chromium on a gunicorn serving the same database, the
  page's own `highlight` performance measure (load-time indexing of the
  server-rendered highlights, and a full client-side re-render as done after
  a new claim), median and p95.

Targets (DESIGN.md): server under 200 ms, browser under 100 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAIMS = 1000
TITLE = "Bench: article with 1,000 claims"
EMPTY_TITLE = "Bench: the same article without claims"
PASSWORD = "bench-password-not-secret"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-gpu"]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", default="factcheck_bench_page")
    parser.add_argument("--port", type=int, default=8310)
    return parser.parse_args()


def sentence(n: int) -> tuple[str, str]:
    """A sentence and the claim inside it; a few emoji keep the UTF-16/code point split honest."""
    claim = f"spending rose {n % 97 + 3}.{n % 10} per cent in district {n}"
    emoji = "\U0001f4c8 " if n % 50 == 0 else ""
    return f"{emoji}The minister said that {claim}, according to the report. ", claim


def build_fixture():
    """The editor, the 1,000-claim article and its claim-free twin (created once, reused after)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from annotations.anchoring import anchor_at
    from annotations.models import Annotation, AnnotationVersion, Article, Claim, Verdict

    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="editor"))
    existing = Article.objects.filter(title=TITLE).first()
    if existing is not None and existing.claims.count() == CLAIMS:
        return user, existing, Article.objects.get(title=EMPTY_TITLE)
    pieces, spans, offset = [], [], 0
    for n in range(CLAIMS * 9 // 10):
        text, claim = sentence(n)
        start = offset + len(text) - len(", according to the report. ") - len(claim)
        spans.append((start, start + len(claim)))
        if n % 9 == 0:  # a nested claim inside this one: "per cent in district n"
            inner = claim.index("per cent")
            spans.append((start + inner, start + len(claim)))
        pieces.append(text + ("\n\n" if n % 5 == 4 else ""))
        offset += len(pieces[-1])
    body = "".join(pieces)
    spans = spans[:CLAIMS]
    verdicts = list(Verdict.objects.all())
    with transaction.atomic():
        Article.objects.filter(title__in=[TITLE, EMPTY_TITLE]).delete()
        article = Article.objects.create(title=TITLE, body=body, language="en", url="https://example.org/bench")
        empty = Article.objects.create(title=EMPTY_TITLE, body=body, language="en")
        claims = Claim.objects.bulk_create(
            [
                Claim(article=article, claimant=f"Minister {i % 7}", **vars(anchor_at(body, start, end)))
                for i, (start, end) in enumerate(spans)
            ]
        )
        published = [claim for i, claim in enumerate(claims) if i % 10 < 7]
        annotations = Annotation.objects.bulk_create(
            [Annotation(claim=claim, reviewer=user, version=1, status="approved") for claim in published]
        )
        now = timezone.now()
        versions = AnnotationVersion.objects.bulk_create(
            [
                AnnotationVersion(
                    annotation=annotation,
                    number=1,
                    verdict=verdicts[i % len(verdicts)],
                    confidence=70,
                    rationale="Checked against the budget report.",
                    author=user,
                    created_at=now,
                )
                for i, annotation in enumerate(annotations)
            ]
        )
        for claim, version in zip(published, versions, strict=True):
            claim.published_version = version
        Claim.objects.bulk_update(published, ["published_version"])
    return user, article, empty


def timed_gets(client, path: str, runs: int) -> list[float]:
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ordered)})"


def measure_server(user, article, empty, runs: int) -> None:
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False  # no query logging while timing
    client = Client()
    client.force_login(user)
    print(f"server (Django test client, PostgreSQL, {CLAIMS} claims, body {len(article.body):,} code points)")
    print(f"  baseline /verdicts.css          {summary(timed_gets(client, '/verdicts.css', runs))}")
    print(f"  baseline reader, no claims      {summary(timed_gets(client, f'/articles/{empty.pk}/', runs))}")
    print(f"  reader, {CLAIMS} claims            {summary(timed_gets(client, f'/articles/{article.pk}/', runs))}")


def measure_browser(database_url: str, article, port: int, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "CONN_MAX_AGE": "60"}
    env.pop("CELERY_BROKER_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/login/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(f"{base}/login/")
            page.get_by_label("Username").fill("bench-editor")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/")
            load, rerender, spans = [], [], 0
            for _ in range(runs):
                page.goto(f"{base}/articles/{article.pk}/")
                page.wait_for_selector("html[data-ready=true]", state="attached")
                load.append(page.evaluate("performance.getEntriesByName('highlight').at(-1).duration"))
                rerender.append(
                    page.evaluate(
                        """() => {
                            document.dispatchEvent(new CustomEvent("factcheck:rerender"));
                            return performance.getEntriesByName("highlight").at(-1).duration;
                        }"""
                    )
                )
                spans = page.evaluate("document.querySelectorAll('#article-body span.hl').length")
            browser.close()
        print(f"browser (headless Chromium, {spans} highlight segments)")
        print(f"  highlight on load (index)       {summary(load)}")
        print(f"  full client-side re-render      {summary(rerender)}")
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # a local URL this script started
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def main() -> None:
    args = parse_args()
    database_url = harness.ensure_database(args.db)
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user, article, empty = build_fixture()
    measure_server(user, article, empty, args.runs)
    measure_browser(database_url, article, args.port, args.runs)
    print("targets: server under 200 ms, browser under 100 ms")


if __name__ == "__main__":
    main()
