"""The open-alerts badge in the navigation (registered in settings' TEMPLATES)."""

import functools

from django.http import HttpRequest

from .selectors import open_alert_count


def alert_badge(request: HttpRequest) -> dict:
    """Internal roles see the number of open alerts; it is counted only if a template shows
    it (the callable is evaluated lazily by the template), at most once per request (and
    cached briefly across requests by `open_alert_count`). Vendors never see alerts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_vendor:
        return {"alert_badge": None}
    return {"alert_badge": functools.cache(open_alert_count)}
