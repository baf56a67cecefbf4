"""Enqueue a refresh at most once per window (issue 22): a vendor PUTting a month of days
one request at a time enqueued a Celery message per request (2–3 ms of publishing each) for
work whose result only the last one decides.

`enqueue_coalesced(task, object_id)` adds a cache key for the object (`cache.add`: only the
first caller in the window succeeds) and enqueues the task with a countdown of the window.
A write that finds the key committed before the key expires, and the queued task runs no
earlier than the key's expiry, so it reads every such write: nothing is missed, later writes
start a new window. Call it after the commit (`transaction.on_commit`). Without a window
(`JOB_COALESCE_SECONDS = 0`), in eager mode (tests run tasks inline) or when the cache is
unreachable, every call enqueues at once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def window_seconds() -> int:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return 0
    return int(getattr(settings, "JOB_COALESCE_SECONDS", 10))


def enqueue(task, *args, countdown: int | None = None) -> bool:
    """Publish the task; a broker that is down is logged (the daily jobs find the work again
    from the database). Returns whether it was published."""
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception:
        logger.exception("could not enqueue %s%s", task.name, args)
        return False
    return True


def enqueue_coalesced(task, object_id: int) -> bool:
    """Enqueue `task(object_id)` unless one is already queued for this window; returns
    whether this call enqueued."""
    seconds = window_seconds()
    if seconds:
        key = f"jobs:{task.name}:{object_id}"
        try:
            first = cache.add(key, 1, seconds)
        except Exception:
            logger.warning("cache unreachable: %s(%s) enqueued at once", task.name, object_id)
        else:
            if not first:
                return False
            if enqueue(task, object_id, countdown=seconds):
                return True
            cache.delete(key)  # nothing queued: the next write tries again
            return False
    return enqueue(task, object_id)
