"""Fetch jobs: add an article from its URL, or refetch one, as a Celery task enqueued on commit.

`start_fetch` refuses at once what can be refused without the network (scheme, a literal
private address: Refused -> 400; a URL already imported: DomainConflict -> 409). The task
runs `run_fetch_job`, which can run twice safely: a finished job is left as it is.
"""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import articles as article_services
from ..exceptions import DomainConflict
from ..models import Article, ArticleRevision, FetchJob
from . import policy
from .extraction import ExtractionFailed, extract_article
from .fetcher import FetchFailed, fetch_page

log = logging.getLogger(__name__)


def _options() -> dict:
    config = settings.FACTCHECK
    return {
        "allow_hosts": config["FETCH_ALLOW_HOSTS"],
        "timeout_s": config["FETCH_TIMEOUT_S"],
        "max_bytes": config["FETCH_MAX_BYTES"],
    }


def already_imported(url: str) -> Article | None:
    return Article.objects.filter(normalized_url=policy.normalise_url(url)).order_by("id").first()


def _conflict(article: Article) -> DomainConflict:
    return DomainConflict(
        _("This URL was already imported as article %(article)s (%(title)s).")
        % {"article": article.pk, "title": article.title},
        field="url",
        article=article.pk,
    )


def _enqueue(job: FetchJob) -> None:
    from ..tasks import run_fetch_job

    transaction.on_commit(lambda: run_fetch_job.delay(str(job.pk)))


@transaction.atomic
def start_fetch(url: str, *, created_by, language: str = "", publisher: str = "") -> FetchJob:
    """A queued job adding the article at `url`. Raises policy.Refused or DomainConflict."""
    url = url.strip()
    policy.check_url(url, allow_hosts=_options()["allow_hosts"])
    existing = already_imported(url)
    if existing is not None:
        raise _conflict(existing)
    job = FetchJob.objects.create(url=url, language=language, publisher=publisher, created_by=created_by)
    _enqueue(job)
    return job


@transaction.atomic
def start_refetch(article: Article, *, created_by) -> FetchJob:
    """A queued job fetching the article's URL again; a changed text becomes a new revision."""
    if not article.url:
        from django.core.exceptions import ValidationError

        raise ValidationError({"url": _("This article has no URL to fetch again.")})
    policy.check_url(article.url, allow_hosts=_options()["allow_hosts"])
    job = FetchJob.objects.create(url=article.url, article=article, refetch=True, created_by=created_by)
    _enqueue(job)
    return job


def run_fetch_job(job_id: str) -> None:
    job = FetchJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (FetchJob.Status.SUCCEEDED, FetchJob.Status.FAILED):
        return
    FetchJob.objects.filter(pk=job.pk).update(status=FetchJob.Status.RUNNING, started_at=timezone.now())
    try:
        page = fetch_page(job.url, **_options())
        extracted = extract_article(page.html, page.url, encoding=page.encoding)
        revision = _store(job, page, extracted)
    except (FetchFailed, ExtractionFailed, policy.Refused) as failure:
        _finish(job, FetchJob.Status.FAILED, error=str(failure))
    except DomainConflict as conflict:
        _finish(job, FetchJob.Status.FAILED, error=conflict.message, article=conflict.details.get("article"))
    except Exception:
        log.exception("fetch job %s failed", job.pk)
        _finish(job, FetchJob.Status.FAILED, error="the page could not be read (an error on our side)")
    else:
        _finish(job, FetchJob.Status.SUCCEEDED, article=job.article_id, revision=revision)


def _finish(job: FetchJob, status: str, *, error: str = "", article: int | None = None, revision=None) -> None:
    FetchJob.objects.filter(pk=job.pk).update(
        status=status, error=error, article_id=article, revision=revision, finished_at=timezone.now()
    )


@transaction.atomic
def _store(job: FetchJob, page, extracted) -> int | None:
    """Create the article (or add a revision to it); returns the revision number added, if any."""
    if job.refetch:
        result = article_services.add_revision(
            job.article, extracted.body, source=ArticleRevision.Source.FETCHED, created_by=job.created_by,
            html_sha256=page.sha256,
        )  # fmt: skip
        return result.revision.number if result.created else None
    # Two jobs for one URL: the second waits here and then sees the first one's article.
    key = policy.normalise_url(extracted.canonical_url or page.url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    for url in {job.url, page.url, extracted.canonical_url}:
        existing = already_imported(url) if url else None
        if existing is not None:
            raise _conflict(existing)
    article = article_services.create_article(
        title=extracted.title,
        body=extracted.body,
        url=extracted.canonical_url or page.url,
        normalized_url=key,
        publisher=job.publisher or extracted.publisher,
        author=extracted.author,
        language=job.language or extracted.language,
        published_at=extracted.published_at,
        created_by=job.created_by,
        source=ArticleRevision.Source.FETCHED,
        html_sha256=page.sha256,
    )
    job.article = article
    return 1
