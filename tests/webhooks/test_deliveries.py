"""Deliveries to a real HTTP receiver on loopback: signed, sent after the commit only,
retried with backoff, timed out, failed after the last attempt, replayed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from common import events
from pilots.models import KpiEntry, PilotStatus
from pilots.services import kpi_entry_upsert
from tests.pilots.kpi_entry_helpers import START, TODAY, good_values, make_pilot
from webhooks.models import Delivery, DeliveryStatus
from webhooks.services import delivery_attempt
from webhooks.signing import verify
from webhooks.tasks import send_due_deliveries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30, status=PilotStatus.RUNNING)


def save_day(pilot, user, day=TODAY):
    return kpi_entry_upsert(pilot=pilot, day=day, values=good_values(), by=user, today=TODAY)


def hand_signature(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check written out by hand (README), not with the app's own function."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    fresh = abs(time.time() - int(parts["t"])) <= 300
    return fresh and hmac.compare_digest(mac.hexdigest(), parts["v1"])


def make_due(delivery: Delivery) -> None:
    """The backoff has run out (instead of waiting for it)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_saved_kpi_day_is_posted_signed_with_its_ids(
    receiver, endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with django_capture_on_commit_callbacks(execute=True):
        entry, created = save_day(pilot, vendor_a_user)
    assert created

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    delivery = Delivery.objects.get()
    assert request.path == "/hooks/vendorpilot"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-VendorPilot-Event"] == "kpi_day.saved"
    assert request.headers["X-VendorPilot-Event-Id"] == str(delivery.event_id)
    assert request.headers["X-VendorPilot-Delivery"] == str(delivery.pk)
    body = json.loads(request.body)
    assert body["id"] == str(delivery.event_id)
    assert body["type"] == "kpi_day.saved"
    assert body["data"] == {
        "owner": "pilot",
        "pilot_id": pilot.pk,
        "entry_id": entry.pk,
        "day": "2026-03-10",
        "created": True,
        "late": False,
        "source": "form",
    }
    signature = request.headers["X-VendorPilot-Signature"]
    assert hand_signature(endpoint.secret, signature, request.body)
    assert verify(secret=endpoint.secret, header=signature, body=request.body, now=int(time.time()))
    # A changed body, another secret or a stale timestamp is refused.
    assert not hand_signature(endpoint.secret, signature, request.body.replace(b"pilot", b"pilox"))
    assert not hand_signature("whsec_other", signature, request.body)
    assert not verify(
        secret=endpoint.secret, header=signature, body=request.body, now=int(time.time()) + 301
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.last_response_excerpt == "<b>answer 200</b>"
    assert delivery.next_attempt_at is None


def test_only_active_endpoints_that_subscribe_get_the_event(
    receiver, endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks
):
    endpoint_for(receiver.url, [events.QUOTE_SUBMITTED])
    endpoint_for(receiver.url, [events.KPI_DAY_SAVED], active=False)
    with django_capture_on_commit_callbacks(execute=True):
        save_day(pilot, vendor_a_user)
    assert receiver.requests == []
    assert Delivery.objects.count() == 0


def test_nothing_is_sent_before_the_commit_or_after_a_rollback(
    receiver, endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks
):
    endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        save_day(pilot, vendor_a_user)
        assert Delivery.objects.count() == 1  # written in the event's transaction
        raise RuntimeError("the caller's transaction fails after the save")
    assert callbacks == []
    assert Delivery.objects.count() == 0
    assert KpiEntry.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_day(pilot, vendor_a_user)
    assert receiver.requests == []  # the transaction has not committed yet
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    for callback in callbacks:
        callback()
    assert len(receiver.requests) == 1


def test_a_receiver_that_fails_twice_gets_it_on_the_third_attempt_with_backoff(
    receiver, endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    receiver.script = [500, 503]
    endpoint = endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with django_capture_on_commit_callbacks(execute=True):
        save_day(pilot, vendor_a_user)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_response_excerpt == "<b>answer 500</b>"
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(seconds=30)

    # Not due yet: the sweep leaves it.
    assert send_due_deliveries.apply().get() == 0
    assert len(receiver.requests) == 1

    make_due(delivery)
    assert send_due_deliveries.apply().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(seconds=60)

    make_due(delivery)
    assert send_due_deliveries.apply().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert delivery.next_attempt_at is None
    assert delivery.delivered_at is not None

    assert len(receiver.requests) == 3
    assert len({r.headers["X-VendorPilot-Event-Id"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1  # the same body every time
    for request in receiver.requests:  # each attempt signed afresh, each verifiable
        assert hand_signature(
            endpoint.secret, request.headers["X-VendorPilot-Signature"], request.body
        )

    # Delivered: the sweep never sends it again.
    assert send_due_deliveries.apply().get() == 0
    assert len(receiver.requests) == 3


def test_a_receiver_that_never_answers_times_out_and_fails_after_the_last_attempt(
    receiver, endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.default = "hang"
    endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with django_capture_on_commit_callbacks(execute=True):
        save_day(pilot, vendor_a_user)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error == "timed out after 0.3 s"

    for _attempt in (2, 3):
        make_due(delivery)
        send_due_deliveries.apply()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert delivery.last_error == "timed out after 0.3 s"
    assert len(receiver.requests) == 3

    # Failed is final: no fourth attempt.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    assert send_due_deliveries.apply().get() == 0


def test_an_unreachable_receiver_is_recorded_and_retried(
    endpoint_for, pilot, vendor_a_user, django_capture_on_commit_callbacks
):
    endpoint_for("http://127.0.0.1:9/closed", [events.KPI_DAY_SAVED])  # nobody listens on 9
    with django_capture_on_commit_callbacks(execute=True):
        save_day(pilot, vendor_a_user)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("ConnectionRefusedError")


def test_replay_from_the_delivery_log_sends_the_same_event_again(
    receiver,
    endpoint_for,
    pilot,
    vendor_a_user,
    admin_role_user,
    django_capture_on_commit_callbacks,
):
    endpoint = endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with django_capture_on_commit_callbacks(execute=True):
        save_day(pilot, vendor_a_user)
    original = Delivery.objects.get()

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_role_user)
    page = client.get(f"/webhooks/{endpoint.pk}/")
    assert page.status_code == 200
    assert f'href="/webhooks/deliveries/{original.pk}/replay/"' in page.content.decode()
    assert "&lt;b&gt;answer 200&lt;/b&gt;" in page.content.decode()  # the answer, escaped
    confirm = client.get(f"/webhooks/deliveries/{original.pk}/replay/")
    assert confirm.status_code == 200
    assert 'id="replay-form"' in confirm.content.decode()
    assert len(receiver.requests) == 1  # asking is not sending

    # Without the CSRF token the POST is refused.
    assert client.post(f"/webhooks/deliveries/{original.pk}/replay/").status_code == 403
    token = (
        confirm.cookies["csrftoken"].value
        if "csrftoken" in confirm.cookies
        else client.cookies["csrftoken"].value
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/webhooks/deliveries/{original.pk}/replay/", {"csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{endpoint.pk}/"

    replay = Delivery.objects.exclude(pk=original.pk).get()
    assert replay.replay_of == original
    assert replay.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-VendorPilot-Event-Id"] == second.headers["X-VendorPilot-Event-Id"]
    assert second.headers["X-VendorPilot-Delivery"] == str(replay.pk)


def test_a_pending_delivery_cannot_be_replayed(
    receiver,
    endpoint_for,
    pilot,
    vendor_a_user,
    admin_role_client,
    django_capture_on_commit_callbacks,
):
    endpoint = endpoint_for(receiver.url, [events.KPI_DAY_SAVED])
    with django_capture_on_commit_callbacks(execute=False):
        save_day(pilot, vendor_a_user)
    pending = Delivery.objects.get()
    response = admin_role_client.post(f"/webhooks/deliveries/{pending.pk}/replay/")
    assert response.status_code == 302
    assert Delivery.objects.count() == 1
    page = admin_role_client.get(f"/webhooks/{endpoint.pk}/")
    assert "This delivery is still being sent." in page.content.decode()


def test_a_delivery_held_by_another_worker_is_not_sent_twice_until_its_claim_runs_out(
    receiver, endpoint_for
):
    endpoint = endpoint_for(receiver.url, [events.ALERT_OPENED])
    now = timezone.now()
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_type="alert.opened",
        body="{}",
        next_attempt_at=now,
        claimed_until=now + timedelta(minutes=2),  # another worker is sending it now
    )
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert send_due_deliveries.apply().get() == 0
    assert receiver.requests == []

    # That worker died mid-send: once its claim has run out the sweep sends the delivery.
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=now - timedelta(seconds=1))
    assert send_due_deliveries.apply().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("delivered", 1, None)
    assert len(receiver.requests) == 1
