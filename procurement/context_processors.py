"""Award proposals awaiting approval: the managers' alert in the navigation (issue 12).

Every internal page shows the number, so it is counted once and kept in the cache until a
proposal is saved or deleted (signals in `procurement.apps`), at most a minute."""

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from .selectors import pending_award_proposals

PENDING_COUNT_KEY = "procurement:pending-award-count"
PENDING_COUNT_SECONDS = 60


def _pending_count() -> int:
    count = cache.get(PENDING_COUNT_KEY)
    if count is None:
        count = pending_award_proposals().count()
        cache.set(PENDING_COUNT_KEY, count, PENDING_COUNT_SECONDS)
    return count


def pending_count_changed(**kwargs) -> None:
    """A proposal changed: forget the count now and after the commit (a page counting
    meanwhile may have cached the old number)."""
    cache.delete(PENDING_COUNT_KEY)
    transaction.on_commit(lambda: cache.delete(PENDING_COUNT_KEY))


def pending_awards(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_internal:
        return {}
    return {"pending_awards": _pending_count}  # lazy: counted only when a page shows it
