"""A Content-Security-Policy on every response (Django 5.2 has no built-in CSP), and the
product's own 404 page under DEBUG too (`ProductNotFoundMiddleware`).

The CSP:

The app's pages load scripts, styles and images from this site only and have no inline
scripts or event handlers (see static/js/vendorpilot.js); inline styles stay allowed for the
server-side SVG charts and htmx's indicator style. The policy is `settings.CONTENT_SECURITY_POLICY`;
a view that set its own header keeps it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found

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
