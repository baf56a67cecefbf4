import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.navigation import home_url_for

from .db import is_conflict, is_unreachable

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def broker_ok() -> bool:
    from config.celery_app import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
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


# A database that cannot be reached is an outage, not a bug: answer 503 with Retry-After so
# browsers, integrators and load balancers retry, instead of a 500 that says "our fault".
# A deadlock or serialization failure that outlived retry_on_conflict is neither: the database
# is up and rolled the write back, so answer 409 "nothing was saved, send it again" — a 503
# would claim an outage that is not there (and page whoever watches for them).
RETRY_AFTER_SECONDS = 30


def _plain_page(title: str, text: str, status: int) -> HttpResponse:
    # Nothing that needs the database (no base.html: its navigation reads the user).
    return HttpResponse(
        format_html(
            '<!doctype html><html><head><meta charset="utf-8"><title>{}</title></head>'
            "<body><h1>{}</h1><p>{}</p></body></html>",
            title,
            title,
            text,
        ),
        status=status,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, 409 for a write conflict that
    outlived its retries, Django's plain 500 otherwise."""
    exc = sys.exc_info()[1]
    if exc is not None and is_conflict(exc):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": "A concurrent change got in the way. Nothing was saved; try again."},
                status=409,
            )
        else:
            response = _plain_page(
                _("Nothing was saved"),
                _(
                    "Someone else was saving the same data at the same moment. Nothing was "
                    "saved. Please go back and send it again."
                ),
                status=409,
            )
        response["Retry-After"] = "1"
        response["Cache-Control"] = "no-store"
        return response
    if exc is None or not is_unreachable(exc):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Service temporarily unavailable. Try again shortly."}, status=503
        )
    else:
        response = _plain_page(
            _("Service temporarily unavailable"),
            _(
                "VendorPilot cannot reach its database right now. What you saved is safe. "
                "Please try again in a minute."
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
