"""Benchmark: every API list, browser page and aggregate at 100,000 and 1,000,000 claims.

Usage: python bench/pages.py [--claims 100000 1000000] [--runs 30]

For each size N, a PostgreSQL database `bench_scale_<N>` on 127.0.0.1:5432 is built once
(migrate, `seed_benchmark --claims N --articles N/20`, which ANALYZEs), plus the fixtures the
pages need: the 1,000-claim article of bench/page.py (300 of its claims unpublished, each with
two submitted annotations that disagree now and then: the review queue and agreement), and
thirty export jobs. Each size is measured in its own process (settings read DATABASE_URL once).

Every row is the server time of one request through Django's test client (in-process, no
network), p50 and p95 over --runs after three warm-up requests, next to the baseline measured
in the same run: a trivial response (/verdicts.css). Deep pages start from a keyset cursor 90%
of the way down the list. The machine is shared: compare ratios and the two sizes, not absolute
milliseconds. Target (DESIGN.md): p95 under 100 ms everywhere, flat from 100,000 to 1,000,000.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SERVER_URL = "postgres://postgres@127.0.0.1:5432"
QUEUE_REVIEWERS = 2
EXPORT_JOBS = 30


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # one size, in a child process
    return parser.parse_args()


def database_url(claims: int) -> str:
    import harness  # bench/harness.py

    url = harness.scale_database(SERVER_URL, claims)
    harness.ensure_database(url.rsplit("/", 1)[1], SERVER_URL)
    return url


# ---------------------------------------------------------------- fixtures (in the child)


def build(claims: int):
    from django.core.management import call_command

    from annotations.models import Claim

    call_command("migrate", verbosity=0, interactive=False)
    existing = Claim.objects.count()
    if existing < claims:
        call_command("seed_benchmark", claims=claims - existing, articles=max(1, (claims - existing) // 20))
    return fixtures()


def fixtures():
    """The reader's article, the review queue and export jobs (made once, reused after)."""
    import page  # bench/page.py
    from django.db import transaction
    from django.utils import timezone

    from annotations.derived import counters
    from annotations.models import Annotation, AnnotationVersion, ExportJob, Verdict

    user, article, empty = page.build_fixture()
    unpublished = list(article.claims.filter(published_version__isnull=True).order_by("id"))
    reviewers = [get_user(f"bench-reviewer-{n}") for n in range(QUEUE_REVIEWERS)]
    verdicts = list(Verdict.objects.order_by("id"))
    with transaction.atomic():
        if not Annotation.objects.filter(claim__in=unpublished).exists():
            now = timezone.now()
            annotations = Annotation.objects.bulk_create(
                [
                    Annotation(claim=claim, reviewer=reviewer, version=1, status="submitted")
                    for claim in unpublished
                    for reviewer in reviewers
                ]
            )
            AnnotationVersion.objects.bulk_create(
                [
                    AnnotationVersion(
                        annotation=annotation,
                        number=1,
                        verdict=verdicts[(i // 2 + (i % 2) * (i % 7 == 1)) % 5],
                        confidence=60,
                        author=annotation.reviewer,
                        created_at=now,
                    )
                    for i, annotation in enumerate(annotations)
                ]
            )
        if ExportJob.objects.filter(created_by=user).count() < EXPORT_JOBS:
            ExportJob.objects.bulk_create(
                [ExportJob(format="csv", status="succeeded", created_by=user, rows_done=10) for _ in range(EXPORT_JOBS)]
            )
        counters.recount_articles([article.pk, empty.pk])
    return user, article


def get_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def deep_cursor(queryset, ordering: tuple[str, ...], fraction: float = 0.9) -> str:
    """A cursor 90% of the way down the list (found once with OFFSET, outside the timings)."""
    from factcheck.lib import keyset

    total = queryset.count()
    names = [name.lstrip("-") for name in ordering]
    row = queryset.order_by(*ordering).values(*names)[int(total * fraction)]
    return keyset.encode_cursor([row[name] for name in names], backwards=False)


def cases(user, article) -> list[tuple[str, str]]:
    import stats  # bench/stats.py

    from annotations.management.commands.seed_benchmark import TAIL_WORDS, tail_word
    from annotations.models import Annotation, Article, Claim
    from annotations.selectors import ARTICLE_ORDER

    claim = article.claims.filter(published_version__isnull=True).order_by("id").first()
    annotation = Annotation.objects.filter(claim=claim).order_by("id").first()
    seeded = Annotation.objects.filter(version=3).order_by("-id").first()
    some_article = Article.objects.exclude(pk=article.pk).order_by("-id").first()
    queue = Annotation.objects.filter(status="submitted")
    hour_from = seeded.updated_at.replace(minute=0, second=0, microsecond=0)
    hour_to = hour_from.replace(minute=59, second=59)
    articles_deep = deep_cursor(Article.objects.all(), ARTICLE_ORDER)
    return [
        ("baseline: /verdicts.css", "/verdicts.css"),
        ("api articles, first page", "/api/v1/articles/"),
        ("api articles, deep page (cursor)", f"/api/v1/articles/?cursor={articles_deep}"),
        ("api articles ?language=it", "/api/v1/articles/?language=it"),
        ("api articles ?publisher=corriere", "/api/v1/articles/?publisher=corriere"),
        ("api articles ?search= (common)", "/api/v1/articles/?search=edizione"),
        ("api articles ?search= (rare)", f"/api/v1/articles/?search={some_article.pk}"),
        ("api articles ?published_after", f"/api/v1/articles/?published_after={hour_from.isoformat()[:19]}"),
        ("api claims, first page", "/api/v1/claims/"),
        ("api claims, deep page (cursor)", f"/api/v1/claims/?cursor={deep_cursor(Claim.objects.all(), ('id',))}"),
        ("api claims ?article=", f"/api/v1/claims/?article={some_article.pk}"),
        ("api claims ?claimant=", "/api/v1/claims/?claimant=opposition"),
        ("api claims ?published=false", "/api/v1/claims/?published=false"),
        ("api claims ?language=ru", "/api/v1/claims/?language=ru"),
        ("api claims ?q= (common word)", "/api/v1/claims/?q=minister"),
        ("api claims ?q= (rare word)", f"/api/v1/claims/?q={tail_word(TAIL_WORDS - 7)}"),
        ("api claim's similar claims", f"/api/v1/claims/{seeded.claim_id}/similar/"),
        ("api article's claims (1,000)", f"/api/v1/articles/{article.pk}/claims/"),
        ("api annotations, first page", "/api/v1/annotations/"),
        (
            "api annotations, deep page",
            f"/api/v1/annotations/?cursor={deep_cursor(Annotation.objects.all(), ('id',))}",
        ),
        ("api annotations ?status=submitted", "/api/v1/annotations/?status=submitted"),
        ("api annotations ?reviewer=", "/api/v1/annotations/?reviewer=bench-reviewer-3"),
        ("api annotations ?article=", f"/api/v1/annotations/?article={article.pk}"),
        ("api claim's annotations", f"/api/v1/claims/{claim.pk}/annotations/"),
        ("api versions", f"/api/v1/annotations/{seeded.pk}/versions/"),
        ("api transitions", f"/api/v1/annotations/{annotation.pk}/transitions/"),
        ("api exports", "/api/v1/exports/"),
        ("api verdicts", "/api/v1/verdicts/"),
        ("api agreement ?article= (300 units)", f"/api/v1/agreement/?article={article.pk}"),
        (
            "api agreement, one hour",
            f"/api/v1/agreement/?date_from={hour_from.isoformat()[:19]}&date_to={hour_to.isoformat()[:19]}",
        ),
        ("api agreement, everything", "/api/v1/agreement/"),
        ("api agreement ?language=it", "/api/v1/agreement/?language=it"),
        ("page articles", "/"),
        ("page articles, older (deep)", f"/?cursor={articles_deep}"),
        ("page articles ?q= (common)", "/?q=edizione"),
        ("page articles ?q= (rare)", f"/?q={some_article.pk}"),
        ("page articles ?language=it", "/?language=it"),
        ("page articles ?unreviewed=1", "/?unreviewed=1"),
        ("page review queue", "/review/"),
        ("page review queue, later", f"/review/?cursor={deep_cursor(queue, ('updated_at', 'id'), 0.8)}"),
        ("page reader, 1,000 claims", f"/articles/{article.pk}/"),
        ("page exports", "/exports/"),
        *stats.stats_paths(article.pk),
    ]


class SqlTimer:
    """Sums the time of the database calls of one request (the part that grows with the data)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def timed(client, path: str, runs: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    expected = 200
    for _ in range(3):
        status = client.get(path).status_code
        assert status == expected, (path, status)
    samples, sql = [], []
    for _ in range(runs):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        sql.append(timer.ms)
    return samples, sql


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(claims: int, runs: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    user, article = build(claims)
    import factcheck.wsgi  # noqa: F401 - start as the server does (wsgi.py loads every view, then freezes them for gc)

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    results = {}
    for name, path in cases(user, article):
        samples, sql = timed(client, path, runs)
        results[name] = {"p50": statistics.median(samples), "p95": p95(samples), "sql": p95(sql)}
    return results


def main() -> None:
    args = parse_args()
    if args.measure:
        print(json.dumps(measure(args.claims[0], args.runs)))
        return
    by_size = {}
    for claims in args.claims:
        env = {**os.environ, "DATABASE_URL": database_url(claims), "DJANGO_SETTINGS_MODULE": "factcheck.settings"}
        env.pop("CELERY_BROKER_URL", None)
        print(f"measuring {claims:,} claims ...", file=sys.stderr, flush=True)
        output = subprocess.run(
            [sys.executable, __file__, "--measure", "--claims", str(claims), "--runs", str(args.runs)],
            env=env, check=True, stdout=subprocess.PIPE, text=True,
        ).stdout  # fmt: skip
        by_size[claims] = json.loads(output.strip().splitlines()[-1])
    report(by_size, args.runs)


def report(by_size: dict, runs: int) -> None:
    sizes = list(by_size)
    names = list(by_size[sizes[0]])
    header = f"{'request':38}" + "".join(f"{f'{n:,}: p50':>14}{'p95':>7}{'x base':>7}{'sql95':>7}" for n in sizes)
    if len(sizes) > 1:
        header += f"{'p95 ratio':>11}"
    print(f"server time in ms, Django test client, PostgreSQL, p50/p95 of {runs} runs; x base = p95 / baseline p95;")
    print("sql95 = p95 of the request's summed database time")
    print("(shared 2-core machine: read the ratios and the two sizes side by side)")
    print(header)
    for name in names:
        line = f"{name[:38]:38}"
        for n in sizes:
            row, base = by_size[n][name], by_size[n][names[0]]["p95"]
            line += f"{row['p50']:14.1f}{row['p95']:7.1f}{row['p95'] / base:7.1f}{row['sql']:7.1f}"
        if len(sizes) > 1:
            line += f"{by_size[sizes[-1]][name]['p95'] / by_size[sizes[0]][name]['p95']:11.2f}"
        flag = "" if all(by_size[n][name]["p95"] < 100 for n in sizes) else "  > 100 ms"
        print(line + flag)


if __name__ == "__main__":
    main()
