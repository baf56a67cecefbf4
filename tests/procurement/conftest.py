"""The RFQ round under test: an open RFQ (e-mail + chat), vendors A and B invited, and
fixed time (2 March 2026, deadline 9 March 17:00 Amsterdam)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from procurement.models import Invitation
from tests.procurement.factories import QuoteFactory, RfqFactory

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)
DEADLINE = datetime(2026, 3, 9, 17, 0, tzinfo=AMS)
AFTER_DEADLINE = datetime(2026, 3, 9, 17, 1, tzinfo=AMS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(
        owner=procurement_user,
        title="Webshop customer service",
        reference="RFQ-2026-001",
        quote_deadline=DEADLINE,
        channels=[("email", 500, "10"), ("chat", 150, "10")],
    )


@pytest.fixture
def invitation_a(rfq, vendor_a):
    return Invitation.objects.create(rfq=rfq, vendor=vendor_a, invited_by=rfq.owner)


@pytest.fixture
def invitation_b(rfq, vendor_b):
    return Invitation.objects.create(rfq=rfq, vendor=vendor_b, invited_by=rfq.owner)


@pytest.fixture
def quote_a(rfq, vendor_a, invitation_a):
    return QuoteFactory(
        rfq=rfq, vendor=vendor_a, complete=True, sla_chat_response_minutes=Decimal("1")
    )


@pytest.fixture
def quote_b(rfq, vendor_b, invitation_b):
    return QuoteFactory(
        rfq=rfq,
        vendor=vendor_b,
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
    )


@pytest.fixture
def draft_a(rfq, vendor_a, invitation_a):
    return QuoteFactory(rfq=rfq, vendor=vendor_a, draft=True)
