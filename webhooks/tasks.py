"""Celery tasks: thin, they take ids and call the services (docs/style.md).

- `webhooks.deliver(delivery_id)`: one attempt, enqueued after the event's commit.
- `webhooks.send_due_deliveries()`: every 30 s (Celery beat): the retries that are due
  (next_attempt_at, exponential backoff) and any delivery whose task was lost. Retries are due
  dates in the database, not countdowns held in the broker (docs/style.md; a Redis broker would
  also hand a long countdown out again after its visibility timeout).
"""

from __future__ import annotations

from celery import shared_task

from .services import deliveries_due, delivery_attempt


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> str | None:
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else None


@shared_task(name="webhooks.send_due_deliveries", ignore_result=True)
def send_due_deliveries() -> int:
    sent = 0
    for delivery_id in deliveries_due():
        sent += delivery_attempt(delivery_id=delivery_id) is not None
    return sent
