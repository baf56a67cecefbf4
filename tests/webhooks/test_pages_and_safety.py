"""The admin's webhook pages (access, the secret shown once, rotation, errors in words) and
where a webhook may be sent (SSRF care)."""

from __future__ import annotations

import pytest
from django.utils import translation

from common import events
from webhooks.models import Delivery, DeliveryStatus, Endpoint
from webhooks.safety import UnsafeUrl, checked_addresses
from webhooks.services import delivery_attempt

pytestmark = pytest.mark.django_db


def test_only_admins_reach_the_webhook_pages(
    client, procurement_client, manager_client, vendor_a_client, admin_role_client, endpoint_for
):
    endpoint = endpoint_for("http://127.0.0.1:8999/", [events.ALERT_OPENED])
    pages = [
        "/webhooks/",
        "/webhooks/new/",
        f"/webhooks/{endpoint.pk}/",
        f"/webhooks/{endpoint.pk}/edit/",
    ]
    for url in pages:
        assert admin_role_client.get(url).status_code == 200
        for other in (procurement_client, manager_client, vendor_a_client):
            assert other.get(url).status_code == 403
        assert client.get(url).status_code == 302  # to sign-in
    assert admin_role_client.get("/webhooks/999999/").status_code == 404
    assert manager_client.post(f"/webhooks/{endpoint.pk}/rotate-secret/").status_code == 403


def test_the_admin_registers_an_endpoint_and_sees_its_secret_once(admin_role_client):
    response = admin_role_client.post(
        "/webhooks/new/",
        {
            "url": "http://127.0.0.1:8999/in",
            "description": "ERP <sync>",
            "events": [events.QUOTE_SUBMITTED, events.AWARD_APPROVED],
            "active": "on",
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{endpoint.pk}/"
    assert endpoint.events == ["quote.submitted", "award.approved"]
    assert endpoint.active
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40

    first = admin_role_client.get(response["Location"]).content.decode()
    assert endpoint.secret in first
    assert "ERP &lt;sync&gt;" in first
    second = admin_role_client.get(response["Location"]).content.decode()
    assert endpoint.secret not in second
    assert endpoint.secret_hint in second

    # Rotation: confirmation first, then a new secret, shown once.
    assert admin_role_client.get(f"/webhooks/{endpoint.pk}/rotate-secret/").status_code == 200
    old = endpoint.secret
    admin_role_client.post(f"/webhooks/{endpoint.pk}/rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    page = admin_role_client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret in page
    assert (
        endpoint.secret not in admin_role_client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    )


def test_a_bad_endpoint_is_refused_field_by_field(admin_role_client):
    response = admin_role_client.post(
        "/webhooks/new/", {"url": "ftp://example.com/x", "events": []}
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"url", "events"}
    assert errors["events"] == ["Choose one or more of the events."]
    response = admin_role_client.post(
        "/webhooks/new/",
        {"url": "http://169.254.169.254/latest/meta-data", "events": ["alert.opened"]},
    )
    assert response.status_code == 422
    assert "link-local or cloud metadata" in response.context["form"].errors["url"][0]
    assert Endpoint.objects.count() == 0


def test_the_pages_speak_dutch(admin_role_user, admin_role_client, endpoint_for):
    admin_role_user.language = "nl"
    admin_role_user.save()
    endpoint_for("http://127.0.0.1:8999/", [events.SCORECARD_READY])
    page = admin_role_client.get("/webhooks/").content.decode()
    assert "Nieuw endpoint" in page
    assert "Scorekaart van de pilot klaar" in page
    translation.activate("en")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("http://169.254.169.254/latest/meta-data/", "link-local or cloud metadata"),
        ("http://[fe80::1]/", "link-local or cloud metadata"),
        ("http://[::ffff:169.254.169.254]/", "link-local or cloud metadata"),
        ("http://0.0.0.0/", "not an address a server answers on"),
        ("http://user:pw@127.0.0.1/", "no user name or password"),
    ],
)
def test_unsafe_addresses_are_refused_even_when_private_ones_are_allowed(settings, url, reason):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(UnsafeUrl, match=reason):
        checked_addresses(url)


def test_private_and_loopback_addresses_need_the_setting(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:8000/", "http://10.1.2.3/", "http://[::1]/", "http://localhost/"):
        with pytest.raises(UnsafeUrl, match="private or loopback"):
            checked_addresses(url)
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert checked_addresses("http://127.0.0.1:8000/") == ["127.0.0.1"]


def test_an_address_refused_at_send_time_is_recorded_and_nothing_is_sent(
    settings, receiver, endpoint_for
):
    endpoint = endpoint_for(receiver.url, [events.ALERT_OPENED])
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_type="alert.opened", body="{}", next_attempt_at="2026-01-01T00:00Z"
    )
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # e.g. the host now resolves to a private address
    delivery = delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == DeliveryStatus.PENDING
    assert "private or loopback" in delivery.last_error
    assert receiver.requests == []
