"""Celery tasks of procurement: thin, they take plain values and call a service (STYLE.md).

- `procurement.send_quote_reminders(at=None)`: the quote-deadline reminders due at `at`
  (ISO date-time; default now). Beat runs it hourly; the outbox makes it idempotent.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .reminders import quote_reminders_send


def as_moment(at: str | datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@shared_task(name="procurement.send_quote_reminders")
def send_quote_reminders(at: str | None = None) -> int:
    return len(quote_reminders_send(at=as_moment(at)))
