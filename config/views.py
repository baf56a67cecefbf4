"""Project-level pages: `/healthz` (it reads the Celery app), `/metrics` (Prometheus); the
home page is config/home.py."""

import hmac
import ipaddress
import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common import metrics as common_metrics
from config.celery_app import app as celery_app

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
        return True
    except Exception:
        logger.warning(
            "healthz: broker unreachable at %s", settings.CELERY_BROKER_URL.split("@")[-1]
        )
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "broker": broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "down"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


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
