"""A Content-Security-Policy on every response (Django 5.2 has no built-in CSP).

The app's pages load scripts, styles and images from this site only and have no inline
scripts or event handlers (see static/js/vendorpilot.js); inline styles stay allowed for the
server-side SVG charts and htmx's indicator style. The policy is `settings.CONTENT_SECURITY_POLICY`;
a view that set its own header keeps it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
