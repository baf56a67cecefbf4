"""A Content-Security-Policy on every response (Django 5.2 has no built-in CSP), and the
product's own 404 page under DEBUG too (`ProductNotFoundMiddleware`).

The CSP:

The app's pages load scripts, styles and images from this site only and have no inline
scripts or event handlers (see static/js/vendorpilot.js); inline styles stay allowed for the
server-side SVG charts and htmx's indicator style. The policy is `settings.CONTENT_SECURITY_POLICY`;
a view that set its own header keeps it.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

from .api import validation_error_body
from .strict import CONTROL_CHARACTERS, control_characters_message

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and HEADER not in response:
            response[HEADER] = self.policy
        return response


def _control_character_errors(value: Any, loc: list) -> Iterator[dict]:
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            yield {"loc": loc, "msg": control_characters_message()}
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _control_character_errors(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_character_errors(item, [*loc, index])


class ApiControlCharactersMiddleware:
    """Every API request's text (JSON body and query string) without control characters:
    422 naming each field (issue 21: a NUL in review text answered "A value is out of
    range." without the field). Requests without credentials go on to the API's 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and (
            "HTTP_AUTHORIZATION" in request.META
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            errors = list(_control_character_errors(dict(request.GET.items()), ["query"]))
            if "json" in (request.content_type or "") and request.body:
                try:
                    body = json.loads(request.body)
                except ValueError:
                    body = None  # the API answers 400 for a body it cannot read
                errors += _control_character_errors(body, ["body"])
            if errors:
                return JsonResponse(validation_error_body(errors), status=422)
        return self.get_response(request)


class ProductNotFoundMiddleware:
    """Under DEBUG (`make run`) Django answers a 404 with its technical page, which lists every
    URL pattern; a vendor must never see that (issue 24). Here a 404 is the product's own page
    whatever DEBUG says: a view's Http404, and a URL no pattern matches. (A 403 is already the
    product's page: Django uses `handler403` under DEBUG too.) Off DEBUG it does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
