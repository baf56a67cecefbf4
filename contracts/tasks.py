"""Celery tasks of contracts: thin — ids and dates in, a service called (STYLE.md).

- `contracts.close_due_months(as_of=None)`: beat, daily. Closes every contract month that is
  over (idempotent, catches up) and enqueues each new scorecard's e-mail after its batch
  commits; e-mails that never went out are offered again.
- `contracts.send_period_email(period_id)`: claims the monthly scorecard's e-mail once and
  sends it; SMTP and network errors retry with backoff, and the final failure frees the claim
  for the next daily run.
- `contracts.refresh_alerts(contract_id)`: enqueued after a KPI day is saved.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from smtplib import SMTPException

from celery import Task, shared_task
from django.db import transaction

from common.dates import job_date
from pilots.selectors import app_today

from .alerts import contract_alerts_refresh
from .closing import (
    contracts_close_due_months,
    period_email_claim,
    period_email_deliver,
    period_email_release,
    periods_pending_email,
)

logger = logging.getLogger(__name__)


def _as_date(as_of: str | None) -> date:
    """An ISO date, or today in the app's time zone; a day after today is refused
    (ValueError naming `as_of`, DOMAIN.md §5)."""
    return job_date(as_of)


def _enqueue(task, *args) -> None:
    """A broker that is down loses nothing: the work is found again from the database."""
    try:
        task.apply_async(args=args)
    except Exception:
        logger.exception("could not enqueue %s%s", task.name, args)


def enqueue_period_emails(period_ids: list[int]) -> None:
    for period_id in period_ids:
        transaction.on_commit(partial(_enqueue, send_period_email, period_id))


def enqueue_alert_refresh(contract_id: int) -> None:
    """After the entry's transaction commits, off the request (DOMAIN.md §5)."""
    transaction.on_commit(partial(_enqueue, refresh_alerts, contract_id))


@shared_task(name="contracts.close_due_months")
def close_due_months(as_of: str | None = None) -> int:
    day = _as_date(as_of)
    result = contracts_close_due_months(as_of=day, on_created=enqueue_period_emails)
    made = {p.pk for p in result.created}
    enqueue_period_emails([pk for pk in periods_pending_email() if pk not in made])
    logger.info("contract months closed as of %s: %d", day, len(result.created))
    return len(result.created)


class PeriodEmailTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        period_id = kwargs.get("period_id", args[0] if args else None)
        if period_id is not None:
            logger.error("monthly scorecard %s e-mail failed for good: %s", period_id, exc)
            period_email_release(period_id=period_id)


@shared_task(
    name="contracts.send_period_email",
    bind=True,
    base=PeriodEmailTask,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_period_email(self, period_id: int) -> str:
    # The first attempt claims; a retry carries on with the claim it took.
    if self.request.retries == 0 and not period_email_claim(period_id=period_id):
        return "skipped"
    period_email_deliver(period_id=period_id)
    return "sent"


@shared_task(name="contracts.refresh_alerts")
def refresh_alerts(contract_id: int) -> None:
    contract_alerts_refresh(contract_ids=[contract_id], as_of=app_today())
