"""docs/domain.md §5 (issue 20 item 4): a pilot's default targets come from the scope line of its
own channel, and the default cost target counts only what the vendor bills, its fixed
monthly charges split over the channels by their share of handled contacts.

Hand calculation (chat + e-mail RFQ, mixed quote):
- scope: e-mail 600 a month (AHT 10, answer within 60 min), chat 400 a month (AHT 6, answer
  within 2 min); no automation, so handled = volume; 1,000 handled in all.
- the vendor bills €2.50 a ticket, plus fixed every month: a €1,000 platform fee,
  3 agents × €20 licences = €60, its own €140 management fee and a €300 reporting module:
  €1,500. One-time €1,500 set-up and €2,000 onboarding are not monthly.
- the buyer's own vendor management, €500 a month, is no vendor charge: left out.
- chat: variable 400 × €2.50 = €1,000; share of the fixed 400 / 1,000 × €1,500 = €600;
  (€1,000 + €600) / 400 = **€4.00** a chat.
- e-mail: 600 × €2.50 = €1,500 + 600 / 1,000 × €1,500 = €900 → €2,400 / 600 = **€4.00**.
- the old default put the whole fixed part and the buyer's management on the chat line:
  (€1,000 + €1,500 + €500) / 400 = €7.50, so a vendor could bill far over its quote and pass.
"""

from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kpis import rules as kpis
from kpis.targets import defaults_from_quote, quote_channel_charge
from pilots.models import Pilot
from tests.pilots.kpi_entry_helpers import NOW, make_awarded_quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat_and_email_quote(procurement_user, vendor_a):
    quote = make_awarded_quote(
        vendor_a,
        procurement_user,
        pricing_model="mixed",
        hourly_rate=None,
        per_ticket_rate=Decimal("2.50"),
        monthly_fee=Decimal("1000"),
        agents_offered=3,
        licences_per_agent_month=Decimal("20"),
        management_fee_per_month=Decimal("140"),
        other_fees=[
            {"label": "reporting module", "amount": "300", "per": "month"},
            {"label": "set-up", "amount": "1500", "per": "once"},
        ],
    )
    rfq = quote.rfq
    rfq.own_management_per_month = Decimal("500")
    rfq.save()
    rfq.channels.update(volume_per_month=600, sla_response_minutes=Decimal("60"))
    rfq.channels.create(
        channel="chat",
        volume_per_month=400,
        aht_minutes=Decimal("6"),
        sla_response_minutes=Decimal("2"),
    )
    return quote


def test_a_chat_pilot_gets_the_chat_lines_targets_never_the_email_ones(chat_and_email_quote):
    targets = defaults_from_quote(chat_and_email_quote, channel="chat").targets
    assert targets["frt_minutes"] == Decimal("2")  # the chat line's, not the e-mail's 60
    assert targets["aht_minutes"] == Decimal("6")
    assert targets["cost_per_ticket"] == Decimal("4.00")
    email = defaults_from_quote(chat_and_email_quote, channel="email").targets
    assert email["frt_minutes"] == Decimal("60")
    assert email["aht_minutes"] == Decimal("10")
    assert email["cost_per_ticket"] == Decimal("4.00")


def test_the_channel_charge_is_its_variable_part_and_its_handled_share_of_the_fixed(
    chat_and_email_quote,
):
    chat = quote_channel_charge(chat_and_email_quote, channel="chat")
    assert chat.variable_monthly == Decimal("1000")
    assert chat.fixed_share_monthly == Decimal("600")
    assert chat.monthly == Decimal("1600")
    email = quote_channel_charge(chat_and_email_quote, channel="email")
    assert email.monthly == Decimal("2400")
    # Together: exactly what the vendor bills a month (€2,500 variable + €1,500 fixed).
    assert chat.monthly + email.monthly == Decimal("4000")


def test_a_vendor_billing_exactly_its_quote_meets_the_target_and_5_percent_more_does_not(
    chat_and_email_quote,
):
    target = defaults_from_quote(chat_and_email_quote, channel="chat").targets["cost_per_ticket"]
    handled = Decimal(400)
    exactly = Decimal("1600.00")  # the chat line's share of the invoice
    assert kpis.is_met(kpis.COST, exactly / handled, target)
    five_percent_more = exactly * Decimal("1.05")  # €1,680: €4.20 a chat
    assert not kpis.is_met(kpis.COST, five_percent_more / handled, target)


def test_the_buyers_own_management_is_no_vendor_charge(chat_and_email_quote):
    rfq = chat_and_email_quote.rfq
    rfq.own_management_per_month = Decimal("5000")
    rfq.save(update_fields=["own_management_per_month"])
    assert quote_channel_charge(chat_and_email_quote, channel="chat").monthly == Decimal("1600")


def test_the_api_creates_a_chat_pilot_with_the_chat_lines_targets(
    chat_and_email_quote, procurement_user, vendor_a
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(procurement_user)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/api/v1/pilots",
            {
                "vendor_id": vendor_a.pk,
                "quote_id": chat_and_email_quote.pk,
                "channel": "chat",
                "start_date": "2026-03-02",
                "length_days": 60,
            },
            content_type="application/json",
            headers={"X-CSRFToken": _csrf(client)},
        )
    assert response.status_code == 201, response.content
    pilot = Pilot.objects.get(pk=response.json()["id"])
    assert pilot.target_frt_minutes == Decimal("2.00")
    assert pilot.target_aht_minutes == Decimal("6.00")
    assert pilot.target_cost_per_ticket == Decimal("4.00")


def _csrf(client: Client) -> str:
    client.get(reverse("pilots:pilot_list"))
    return client.cookies["csrftoken"].value
