"""Celery tasks of contracts: thin — ids and dates in, a service called (docs/style.md).

- `contracts.close_due_months(as_of=None)`: beat, daily. Closes every contract month that is
  over (idempotent, catches up) and enqueues each new scorecard's e-mail after its batch
  commits; months whose e-mails were never queued (the broker was down) are offered again.
- `contracts.send_period_email(period_id)`: queues the monthly scorecard's e-mail for each
  recipient in the outbox (once) and sends it; retries, refusals and a killed worker are the
  outbox's (`common.send_outbox`, every minute).
- `contracts.refresh_alerts(contract_id)`: enqueued after a KPI day is saved.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from celery import shared_task
from django.db import transaction

from common import jobs, outbox
from common.dates import job_date
from common.models import OutboxMessage
from pilots.selectors import app_today

from .alerts import contract_alerts_refresh
from .closing import contracts_close_due_months, periods_without_email
from .emails import KIND, period_emails_enqueue

logger = logging.getLogger(__name__)


def _as_date(as_of: str | None) -> date:
    """An ISO date, or today in the app's time zone; a day after today is refused
    (ValueError naming `as_of`, docs/domain.md §5)."""
    return job_date(as_of)


def enqueue_period_emails(period_ids: list[int]) -> None:
    for period_id in period_ids:
        transaction.on_commit(partial(jobs.enqueue, send_period_email, period_id))


def enqueue_alert_refresh(contract_id: int) -> None:
    """After the entry's transaction commits, off the request (docs/domain.md §5), at most one
    per contract and window (`common.jobs.enqueue_coalesced`)."""
    transaction.on_commit(partial(jobs.enqueue_coalesced, refresh_alerts, contract_id))


@shared_task(name="contracts.close_due_months")
def close_due_months(as_of: str | None = None) -> int:
    day = _as_date(as_of)
    result = contracts_close_due_months(as_of=day, on_created=enqueue_period_emails)
    made = {p.pk for p in result.created}
    enqueue_period_emails([pk for pk in periods_without_email() if pk not in made])
    logger.info("contract months closed as of %s: %d", day, len(result.created))
    return len(result.created)


@shared_task(name="contracts.send_period_email")
def send_period_email(period_id: int) -> int:
    """Queue the month's e-mails (what is queued already is left alone) and send what of
    them is due; return the messages sent by this task."""
    period_emails_enqueue(period_ids=[period_id])
    rows = OutboxMessage.objects.filter(kind=KIND, object_id=period_id)
    return len(outbox.send_due(ids=list(rows.values_list("pk", flat=True))))


@shared_task(name="contracts.refresh_alerts")
def refresh_alerts(contract_id: int) -> None:
    contract_alerts_refresh(contract_ids=[contract_id], as_of=app_today())
