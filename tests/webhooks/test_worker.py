"""The real thing: a request with an X-Request-ID replays a delivery; after the commit the
task goes through Redis to a Celery worker subprocess, which posts to the loopback receiver
and logs (JSON) with the request's id. Needs PostgreSQL and Redis (skipped locally without)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.pilots.conftest import celery_worker, redis_broker, smtp_server, wait_until  # noqa: F401
from webhooks.models import Delivery, DeliveryStatus, Endpoint

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_posts_the_replay_after_the_commit_with_the_request_id_in_its_log(
    celery_worker,  # noqa: F811
    receiver,
    admin_role_user,
):
    endpoint = Endpoint.objects.create(url=receiver.url, events=["alert.opened"])
    original = Delivery.objects.create(
        endpoint=endpoint,
        event_type="alert.opened",
        body='{"data":{},"id":"x","type":"alert.opened"}',
        status=DeliveryStatus.FAILED,
        attempts=5,
    )
    client = Client()
    client.force_login(admin_role_user)
    response = client.post(
        f"/webhooks/deliveries/{original.pk}/replay/", HTTP_X_REQUEST_ID="req-worker-1"
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-worker-1"
    replay = Delivery.objects.get(replay_of=original)

    assert wait_until(lambda: len(receiver.requests) == 1, timeout=60), celery_worker.log()[-3000:]
    assert receiver.requests[0].body == original.body.encode()
    assert wait_until(
        lambda: Delivery.objects.get(pk=replay.pk).status == DeliveryStatus.DELIVERED, timeout=30
    )
    lines = [json.loads(line) for line in celery_worker.log().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["message"].startswith(f"webhook delivery {replay.pk}")]
    assert mine and all(line["request_id"] == "req-worker-1" for line in mine)
