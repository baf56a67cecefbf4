from django.http import HttpRequest

from .navigation import items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    return {"nav_items": items_for(user), "alert_badge": _alert_badge(request, user)}


def _alert_badge(request: HttpRequest, user):
    """Open alerts for the badge in the navigation; pilots provides the count lazily."""
    if not user.is_authenticated or user.is_vendor:
        return None
    from pilots.selectors import open_alert_count

    return open_alert_count
