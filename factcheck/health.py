"""Probes for load balancers and orchestrators: /healthz (the process answers) and /readyz (it can serve).

Answered by the first middleware, before host checks, HTTPS redirects, sessions
and authentication: a probe from the orchestrator's address over plain HTTP
gets its answer, and costs no session or user lookup. Neither is logged as an
error when it reports "not ready": that is the probe's job, not a fault.

/readyz checks, each cheaply:
- database: a connection and `SELECT 1`;
- migrations: none unapplied (checked until it first succeeds, then remembered:
  migrations are not unapplied under a running process);
- broker: a connection to CELERY_BROKER_URL (skipped when tasks run eagerly).
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
BROKER_TIMEOUT_S = 2.0

_migrations_applied = False


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if request.method in ("GET", "HEAD"):
            if path == HEALTH_PATH:
                return _probe_response({"status": "ok"}, 200)
            if path == READY_PATH:
                return readiness()
        return self.get_response(request)


def readiness() -> JsonResponse:
    checks = {"database": _database(), "migrations": _migrations(), "broker": _broker()}
    ready = all(check == "ok" or check == "eager" for check in checks.values())
    return _probe_response({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


def _probe_response(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status != 200:
        response["Retry-After"] = "5"
    response._has_been_logged = True  # django.request would log a 503 as an error
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        connection.close()  # the next probe (or request) starts from a fresh connection
        return f"unreachable: {type(error).__name__}"
    return "ok"


def _migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        connection.close()
        return f"unknown: {type(error).__name__}"
    if pending:
        return f"{len(pending)} unapplied"
    _migrations_applied = True
    return "ok"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_S) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_S)
    except Exception as error:  # kombu raises the transport's own errors (redis, amqp, OSError)
        return f"unreachable: {type(error).__name__}"
    return "ok"
