"""Celery tasks of the foundation: thin (docs/style.md).

- `common.send_outbox`: beat, every minute. Sends every due e-mail of the outbox
  (`common.outbox`): new ones, retries whose backoff is over, and whatever a killed sender
  left (its lease has expired). Bounded in time, so it ends long before the broker's
  visibility timeout; the next run goes on.
- `common.heartbeat`: beat, every minute; the worker that runs it proves the queue is served.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import heartbeats, outbox

logger = logging.getLogger(__name__)


@shared_task(name="common.send_outbox")
def send_outbox() -> int:
    budget = float(getattr(settings, "OUTBOX_TASK_SECONDS", 120))
    return len(outbox.send_due(time_budget=budget))


@shared_task(name="common.heartbeat")
def heartbeat() -> None:
    heartbeats.record(heartbeats.WORKER)
