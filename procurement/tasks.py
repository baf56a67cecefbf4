"""Celery tasks of procurement: thin, they take plain values and call a service (docs/style.md).

- `procurement.send_quote_reminders(at=None)`: the quote-deadline reminders due at `at`
  (ISO date-time; default now). Beat runs it hourly; the outbox makes it idempotent.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from common.dates import future_moment_error

from .reminders import quote_reminders_send


def as_moment(at: str | datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def job_moment(at: str | datetime | None) -> datetime:
    """A job's moment: a moment after now is refused (ValueError naming `at`): no job
    reminds about a moment that has not happened (docs/domain.md §5)."""
    moment = as_moment(at)
    message = future_moment_error(moment)
    if message:
        raise ValueError(f"at: {message}")
    return moment


@shared_task(name="procurement.send_quote_reminders")
def send_quote_reminders(at: str | None = None) -> int:
    return len(quote_reminders_send(at=job_moment(at)))
