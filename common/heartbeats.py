"""Heartbeats of the Celery worker and beat, for `/healthz` (issue 21: liveness that tells
the truth). Beat sends `common.heartbeat` every minute and notes it sent it (`beat`); the
worker that runs it notes it ran it (`worker`); each also notes its own start. A queue that
nobody serves shows as a `worker` heartbeat older than `HEARTBEAT_WINDOW_SECONDS`."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger(__name__)

WORKER, BEAT = "worker", "beat"


def window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "HEARTBEAT_WINDOW_SECONDS", 180)))


def record(name: str, *, at: datetime | None = None) -> None:
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": at or timezone.now()})
    except Exception:  # a heartbeat never breaks the worker or beat
        logger.warning("could not record the %s heartbeat", name, exc_info=True)


def last_seen() -> dict[str, datetime]:
    return dict(Heartbeat.objects.values_list("name", "seen_at"))


def alive(seen: dict[str, datetime], name: str, *, now: datetime | None = None) -> bool:
    at = seen.get(name)
    return at is not None and (now or timezone.now()) - at <= window()
