"""Benchmark-only URL conf: the app's URLs plus two bare baseline pages.

`bench/baseline/` is the smallest page the stack can serve: the full middleware chain, the
session sign-in check and one trivial query, no template. `bench/baseline/layout/` adds the
site layout (base.html with the navigation) around an empty page. Every page's time is also
shown as a multiple of the first, a ratio that holds on a noisy or slower machine.
Activated only by the benchmark (`override_settings(ROOT_URLCONF="benchmarks.urls")`).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """The least a request costs on this stack: the middleware chain, no session, no query."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    from accounts.models import User

    exists = User.objects.filter(pk=request.user.pk).exists()
    return HttpResponse(f"ok {exists}", content_type="text/plain")


@login_required
def baseline_layout(request: HttpRequest) -> HttpResponse:
    # The site layout itself (navigation, messages, scripts) around an empty content block.
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("bench/baseline/layout/", baseline_layout, name="bench_baseline_layout"),
    *app_urlpatterns,
]
