"""handler500: a database outage answers 503 (it imports no app)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

# A database that cannot be reached is an outage, not a bug: answer 503 with Retry-After so
# browsers, integrators and load balancers retry, instead of a 500 that says "our fault".
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, templates/500.html otherwise.

    Renders nothing that needs the database: Django's server_error renders 500.html without a
    request context, so no context processor (navigation, alert badge) runs.
    """
    exc = sys.exc_info()[1]
    if not isinstance(exc, DATABASE_DOWN):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Service temporarily unavailable. Try again shortly."}, status=503
        )
    else:
        response = HttpResponse(
            format_html(
                '<!doctype html><html><head><meta charset="utf-8"><title>{}</title></head>'
                "<body><h1>{}</h1><p>{}</p></body></html>",
                _("Service temporarily unavailable"),
                _("Service temporarily unavailable"),
                _(
                    "VendorPilot cannot reach its database right now. What you saved is safe. "
                    "Please try again in a minute."
                ),
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
