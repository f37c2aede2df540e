"""Site-level views: the health check, and a trivial view for load-test baselines."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Report whether the database (and Redis, when configured) answer; 503 when one does not."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency is "down", whatever its type
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = "down"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def trivial(request):
    """Answer at once with no database or cache work: the load test's baseline for what the
    server, the middleware and Django cost on their own."""
    return HttpResponse("ok", content_type="text/plain")
