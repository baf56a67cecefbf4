"""Webhooks: endpoints (an admin's writes) and the attempt of a delivery with its backoff
(recording a delivery with its event and the replay: `dispatch.py`, which enqueues tasks).

- `delivery_attempt(delivery_id=)`: claims the delivery (a lease), signs and posts it,
  records the answer, and sets the next attempt (exponential backoff) or the final state.
- `deliveries_due(now=)`: what the sweep (Celery beat) sends again: due retries, and
  deliveries whose task was lost (a broker outage, a worker killed mid-send).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common import metrics
from common.events import EVENT_TYPES
from common.services import model_update

from . import signing
from .models import Delivery, DeliveryStatus, Endpoint, new_secret
from .safety import UnsafeUrl, checked_addresses
from .sender import Answer, post

logger = logging.getLogger(__name__)


def claim_seconds() -> float:
    """Longer than one attempt can take (a connect and a few reads, each up to the timeout)."""
    return max(120.0, 4 * settings.WEBHOOKS_TIMEOUT_SECONDS)


def require_admin(by: User) -> None:
    if not (by.is_authenticated and by.role == Role.ADMIN):
        raise PermissionDenied


# --- Endpoints ---------------------------------------------------------------------------


def endpoint_url_error(url: str) -> str | None:
    try:
        checked_addresses(url)
    except UnsafeUrl as exc:
        return str(exc)
    return None


def _check(url: str, events: Sequence[str]) -> None:
    errors: dict[str, str] = {}
    reason = endpoint_url_error(url)
    if reason:
        errors["url"] = reason
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        errors["events"] = _("Choose one or more of the events.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def endpoint_create(
    *, by: User, url: str, events: Sequence[str], description: str = "", active: bool = True
) -> Endpoint:
    """A new endpoint with its own new secret (the page shows it once)."""
    require_admin(by)
    _check(url, events)
    endpoint = Endpoint(
        url=url, events=list(events), description=description, active=active, created_by=by
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, by: User, data: Mapping[str, Any]) -> Endpoint:
    require_admin(by)
    _check(data.get("url", endpoint.url), data.get("events", endpoint.events))
    endpoint, _changed = model_update(
        instance=endpoint, fields=["url", "description", "events", "active"], data=data
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, by: User) -> Endpoint:
    """A new secret at once; deliveries signed from now on use it."""
    require_admin(by)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint


# --- Sending -------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n−1) (30 s, 1 min, 2 min, 4 min by default)."""
    return timedelta(seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _claim(delivery_id: int, now: datetime) -> bool:
    return (
        Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=claim_seconds()))
        == 1
    )


def delivery_headers(delivery: Delivery, *, timestamp: int) -> dict[str, str]:
    return {
        signing.SIGNATURE_HEADER: signing.signature_header(
            secret=delivery.endpoint.secret, timestamp=timestamp, body=delivery.body.encode()
        ),
        signing.EVENT_HEADER: delivery.event_type,
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.DELIVERY_HEADER: str(delivery.pk),
    }


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """One attempt if the delivery is due and nobody else holds it; None otherwise."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.active:
        answer = Answer(status_code=None, error="the endpoint is switched off")
        final = True
    else:
        try:
            answer = post(
                url=delivery.endpoint.url,
                body=delivery.body.encode(),
                headers=delivery_headers(delivery, timestamp=int(time.time())),
                timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            )
        except UnsafeUrl as exc:
            answer = Answer(status_code=None, error=str(exc)[:300])
        final = False
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = answer.status_code
    delivery.last_response_excerpt = answer.excerpt
    delivery.last_error = answer.error
    delivery.claimed_until = None
    if answer.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        outcome = "delivered"
    elif final or delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        outcome = "failed"
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        outcome = "retry"
    delivery.save()
    metrics.webhook_delivery(outcome)
    logger.info(
        "webhook delivery %s to endpoint %s: %s (attempt %s, status %s)",
        delivery.pk,
        delivery.endpoint_id,
        outcome,
        delivery.attempts,
        answer.status_code,
    )
    return delivery


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def pending_deliveries_gauge():
    """/metrics at scrape time: deliveries still to be sent (a growing number: receivers down)."""
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).count()
    yield metrics.gauge(
        "vendorpilot_webhook_deliveries_pending", "Webhook deliveries not yet sent.", pending
    )
