"""The open-alerts badge in the navigation (registered in settings' TEMPLATES)."""

from django.http import HttpRequest

from .selectors import open_alert_count


def alert_badge(request: HttpRequest) -> dict:
    """Internal roles see the number of open alerts; it is counted only if a template shows
    it (the callable is evaluated lazily by the template). Vendors never see alerts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_vendor:
        return {"alert_badge": None}
    return {"alert_badge": open_alert_count}
