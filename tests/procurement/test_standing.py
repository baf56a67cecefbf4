"""docs/domain.md §6, last bullet: a vendor's standing follows it into sourcing. Inviting a
vendor whose last pilot was stopped warns; it never blocks."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from pilots.models import Pilot
from procurement.models import Invitation
from procurement.standing import StandingNote, register_standing_provider, vendor_standings
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


def _pilot(vendor, buyer, *, start, decision=""):
    return Pilot.objects.create(
        vendor=vendor,
        channel="email",
        start_date=start,
        length_days=60,
        status="decided" if decision else "running",
        target_aht_minutes=Decimal("10"),
        target_cost_per_ticket=Decimal("3"),
        created_by=buyer,
        decision=decision,
    )


@pytest.fixture
def stopped(procurement_user):
    vendor = VendorFactory(name="Stopped Vendor")
    _pilot(vendor, procurement_user, start=date(2025, 1, 6), decision="scale_up")
    _pilot(vendor, procurement_user, start=date(2025, 9, 1), decision="stop")
    return vendor


def test_the_last_pilot_counts(stopped, procurement_user):
    [note] = vendor_standings([stopped.pk])[stopped.pk]
    assert note.warns and note.source == "pilot"
    assert "Stop and analyse per KPI" in str(note.text)
    # A later pilot that scaled up clears the warning.
    _pilot(stopped, procurement_user, start=date(2026, 1, 5), decision="scale_up")
    [note] = vendor_standings([stopped.pk])[stopped.pk]
    assert not note.warns


def test_the_vendor_page_and_the_invitation_picker_show_the_standing(
    stopped, rfq, procurement_client
):
    page = procurement_client.get(reverse("procurement:vendor_detail", args=[stopped.pk]))
    assert "⚠" in page.content.decode() and "Last pilot" in page.content.decode()
    rfq_page = procurement_client.get(reverse("procurement:rfq_detail", args=[rfq.pk]))
    html = rfq_page.content.decode()
    picker = html[html.index('id="invite-form"') :]
    assert "Stopped Vendor" in picker and 'data-standing="pilot"' in picker


def test_inviting_a_stopped_vendor_warns_but_invites(stopped, rfq, procurement_user, api_as):
    response = api_as(procurement_user).post(
        f"/api/v1/rfqs/{rfq.pk}/invitations", {"vendor_id": stopped.pk}
    )
    assert response.status_code == 201
    assert any("Check Stopped Vendor before it quotes" in w for w in response.json()["warnings"])
    assert Invitation.objects.filter(rfq=rfq, vendor=stopped).exists()


def test_a_provider_registered_later_adds_its_notes(stopped):
    # The contracts app registers its monthly standing the same way.
    register_standing_provider(
        "test-contracts",
        lambda ids: {pk: [StandingNote(source="contract", text="Poor", warns=True)] for pk in ids},
    )
    try:
        notes = vendor_standings([stopped.pk])[stopped.pk]
        assert [n.source for n in notes] == ["pilot", "contract"]
    finally:
        from procurement import standing

        standing._providers.pop("test-contracts")


def test_inviting_on_the_page_warns_about_the_stopped_pilot(stopped, rfq, procurement_client):
    response = procurement_client.post(
        reverse("procurement:rfq_invite", args=[rfq.pk]), {"vendors": [stopped.pk]}, follow=True
    )
    assert "Check Stopped Vendor before it quotes" in response.content.decode()
    assert Invitation.objects.filter(rfq=rfq, vendor=stopped).exists()


def test_closing_is_never_one_click(rfq, procurement_client):
    url = reverse("procurement:rfq_transition", args=[rfq.pk, "close"])
    assert procurement_client.post(url).status_code == 404
    assert rfq.__class__.objects.get(pk=rfq.pk).status == "open"
