"""Shared helpers for the pilot page, CSV and API tests (plain functions, not fixtures)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from procurement.models import Quote, Rfq, RfqChannel
from tests.pilots.factories import PilotFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Every test that depends on "today" freezes the clock here: day 10 of a pilot from 1 March.
START = date(2026, 3, 1)
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)


def good_values(**overrides) -> dict:
    """A plausible day of e-mail: every rule passes."""
    values = {
        "tickets": 100,
        "csat_responses": 40,
        "csat_positive": 36,
        "frt_minutes": "35.50",
        "aht_minutes": "9.50",
        "fcr_resolved": 74,
        "cost": "310.00",
        "qa_sampled": 3,
        "note": "",
    }
    values.update(overrides)
    return values


def make_pilot(vendor, *, start: date = START, length: int = 30, **kwargs):
    return PilotFactory(vendor=vendor, start_date=start, length_days=length, **kwargs)


def make_awarded_quote(vendor, owner, **quote_fields) -> Quote:
    """The cost article's worked example: 500 e-mails a month at 10 minutes, a nearshore
    vendor at €18 an hour with €2,000 onboarding over 12 months → €20,000, €3.33 a ticket."""
    rfq = Rfq.objects.create(
        title="Webshop customer service",
        reference=f"RFQ-{vendor.pk}",
        owner=owner,
        quote_deadline=timezone.now(),
        term_months=12,
    )
    RfqChannel.objects.create(
        rfq=rfq, channel="email", volume_per_month=500, aht_minutes=Decimal("10")
    )
    fields = {
        "pricing_model": "hourly",
        "hourly_rate": Decimal("18"),
        "onboarding_fee": Decimal("2000"),
        "status": "submitted",
    }
    fields.update(quote_fields)
    quote = Quote.objects.create(rfq=rfq, vendor=vendor, **fields)
    rfq.awarded_quote = quote
    rfq.status = "awarded"
    rfq.save()
    return quote
