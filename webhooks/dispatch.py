"""Deliveries recorded with their event and sent after the commit; the replay.

- `deliveries_record(event_type, items)`: the listener of `common.events` (registered in
  `WebhooksConfig.ready()`); one Delivery per item per endpoint that wants the event, in the
  event's transaction, and one task per delivery after the commit.
- `delivery_replay(delivery=, by=)`: the same event again as a new delivery.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Delivery, Endpoint
from .services import require_admin
from .tasks import deliver

logger = logging.getLogger(__name__)


# --- Recording (the event's transaction) ----------------------------------------------------


def event_body(*, event_id: uuid.UUID, event_type: str, created_at: datetime, data: dict) -> str:
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "created_at": created_at.isoformat(),
            "data": data,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        sort_keys=True,
    )


def deliveries_record(event_type: str, items: list[dict]) -> list[Delivery]:
    """The listener of `common.events`: rows now (rolled back with the event), sends after
    the commit (docs/style.md: never `.delay()` inside an open transaction)."""
    endpoints = [e for e in Endpoint.objects.filter(active=True) if e.wants(event_type)]
    if not endpoints:
        return []
    now = timezone.now()
    rows = []
    for data in items:
        event_id = uuid.uuid4()
        body = event_body(event_id=event_id, event_type=event_type, created_at=now, data=data)
        rows.extend(
            Delivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                body=body,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        )
    created = Delivery.objects.bulk_create(rows)
    enqueue_deliveries([d.pk for d in created])
    return created


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        transaction.on_commit(partial(_enqueue, delivery_id))


def _enqueue(delivery_id: int) -> None:
    try:
        deliver.delay(delivery_id)
    except Exception:
        # The row stays pending and due: the sweep (every 30 s) sends it.
        logger.exception("could not enqueue webhook delivery %s", delivery_id)


@transaction.atomic
def delivery_replay(*, delivery: Delivery, by: User) -> Delivery:
    """The same event (same id and body) once more, as a new delivery, sent after the commit."""
    require_admin(by)
    if not delivery.is_replayable:
        raise ValidationError({"status": _("This delivery is still being sent.")})
    replay = Delivery.objects.create(
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        next_attempt_at=timezone.now(),
        replay_of=delivery,
    )
    enqueue_deliveries([replay.pk])
    return replay
