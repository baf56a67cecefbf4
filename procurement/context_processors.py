"""Award proposals awaiting approval: the managers' alert in the navigation (issue 12)."""

from django.http import HttpRequest

from .selectors import pending_award_proposals


def _pending_count() -> int:
    return pending_award_proposals().count()


def pending_awards(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_internal:
        return {}
    return {"pending_awards": _pending_count}  # lazy: counted only when a page shows it
