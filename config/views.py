"""Project-level pages: `/healthz` (it reads the Celery app), `/metrics` (Prometheus); the
home page is config/home.py.

`/healthz` answers within HEALTHZ_TIMEOUT_SECONDS (default 1.5 s) whatever is down (issue 21):
the database and the broker are checked at the same time in a small thread pool, each with its
own deadline, so a database that hangs or a broker behind a black hole reads "down" instead
of holding the probe (and a gunicorn worker) for minutes. It also reports the Celery worker
and beat from their heartbeats (common/heartbeats.py) and answers 503 when the database or the
broker is down, or when no worker has been heard from within HEARTBEAT_WINDOW_SECONDS (the
queue is not being served). Cheap: one `SELECT` of two heartbeat rows and a broker connect.
"""

import hmac
import ipaddress
import logging
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common import heartbeats
from common import metrics as common_metrics
from config.celery_app import app as celery_app

logger = logging.getLogger(__name__)

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def database_check() -> dict | None:
    """The heartbeats read on a connection of this (pool) thread, closed afterwards; None
    when the database does not answer."""
    connection = connections["default"]
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [int(_timeout() * 1000)])
        return heartbeats.last_seen()
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return None
    finally:
        connection.close()


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=_timeout())
        return True
    except Exception:
        logger.warning(
            "healthz: broker unreachable at %s", settings.CELERY_BROKER_URL.split("@")[-1]
        )
        return False


def _timeout() -> float:
    return float(getattr(settings, "HEALTHZ_TIMEOUT_SECONDS", 1.5))


def _result(future, default):
    """A finished check's answer; `default` for one still running at the deadline."""
    if not future.done():
        future.cancel()
        return default
    try:
        return future.result()
    except Exception:
        logger.exception("healthz: check failed")
        return default


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _pool.submit(database_check)
    broker = _pool.submit(broker_ok)
    wait([database, broker], timeout=_timeout())  # one deadline for both
    seen = _result(database, None)
    checks = {
        "database": seen is not None,
        "broker": bool(_result(broker, False)),
        "worker": seen is not None and heartbeats.alive(seen, heartbeats.WORKER),
        "beat": seen is not None and heartbeats.alive(seen, heartbeats.BEAT),
    }
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    # Beat is reported; the queue is served or not by the worker (whose heartbeat beat sends).
    serving = checks["database"] and checks["broker"] and checks["worker"]
    body["status"] = "ok" if serving else "down"
    return JsonResponse(body, status=200 if serving else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a peer address in METRICS_ALLOWED_IPS (the
    direct peer, REMOTE_ADDR: behind a proxy every request comes from the proxy, so use the
    token there)."""
    token = settings.METRICS_TOKEN
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if peer in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; 404 to anyone not allowed (the page does not admit it exists)."""
    if not metrics_allowed(request):
        raise Http404
    body, content_type = common_metrics.exposition()
    return HttpResponse(body, content_type=content_type)
