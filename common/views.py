"""handler500: a database outage answers 503, a write conflict 409 (it imports no app)."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

from .db import is_conflict, is_unreachable, timeout_kind

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


# English for the API (as its other errors); the pages say it in the user's language below.
TIMEOUT_API_DETAIL = {
    "statement": "The database did not finish in time (statement timeout). Nothing was saved; "
    "try again shortly.",
    "lock": "The data was held by another change for too long (lock timeout). Nothing was "
    "saved; try again shortly.",
}
TIMEOUT_RETRY_AFTER_SECONDS = 5


def database_timeout_response(request: HttpRequest, kind: str) -> HttpResponse:
    """503 for a request the database cancelled at a time limit: the transaction was rolled
    back, so nothing was saved; JSON for the API, a page in the user's language otherwise."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": TIMEOUT_API_DETAIL[kind], "timeout": kind}, status=503)
    elif kind == "lock":
        response = _plain_page(
            _("Nothing was saved"),
            _(
                "The data you were saving was held by another change for too long. Nothing "
                "was saved. Please go back and try again in a moment."
            ),
            status=503,
        )
    else:
        response = _plain_page(
            _("Nothing was saved"),
            _(
                "The database took too long to answer this request. Nothing was saved. "
                "Please go back and try again in a moment."
            ),
            status=503,
        )
    response["Retry-After"] = str(TIMEOUT_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, 409 for a write conflict that
    outlived its retries, templates/500.html otherwise.

    Renders nothing that needs the database: Django's server_error renders 500.html without a
    request context, so no context processor (navigation, alert badge) runs.
    """
    exc = sys.exc_info()[1]
    kind = timeout_kind(exc) if exc is not None else None
    if kind is not None:
        return database_timeout_response(request, kind)
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
