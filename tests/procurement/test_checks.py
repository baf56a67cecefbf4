from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from costing.engine import CHECKLIST_KEYS
from procurement.checks import GAP_LABELS, quote_gaps, quote_rate_flags, quote_risk
from procurement.models import Quote, Rfq, RfqChannel, RiskItem


@pytest.fixture
def rfq(procurement_user):
    rfq = Rfq.objects.create(
        title="Webshop",
        reference="RFQ-T-1",
        owner=procurement_user,
        quote_deadline=timezone.now() + timedelta(days=7),
    )
    RfqChannel.objects.create(
        rfq=rfq, channel="email", volume_per_month=500, aht_minutes=Decimal("10")
    )
    return rfq


@pytest.mark.django_db
def test_every_checklist_point_has_a_label():
    assert set(GAP_LABELS) == set(CHECKLIST_KEYS)


@pytest.mark.django_db
def test_an_empty_quote_misses_every_point(rfq, vendor_a):
    quote = Quote.objects.create(rfq=rfq, vendor=vendor_a)
    assert quote_gaps(quote) == list(CHECKLIST_KEYS)


@pytest.mark.django_db
def test_a_complete_quote_has_no_gaps(rfq, vendor_a):
    quote = Quote.objects.create(
        rfq=rfq,
        vendor=vendor_a,
        pricing_model="hourly",
        hourly_rate=Decimal("18"),
        onboarding_fee=Decimal("2000"),
        training_hours_per_agent=40,
        sla_email_response_minutes=60,
        dpa=True,
        reporting_frequency="weekly",
        qa_samples_per_month=50,
        scale_up_days=14,
        notice_period_days=90,
        exit_fee=Decimal("0"),
        min_availability_pct=99,
        penalties="5% per miss",
        disaster_recovery="Second site",
        data_return="CSV within 30 days",
        knowledge_base_owner="client",
        escalation_routes="Team lead, account manager",
        data_location="EU",
        encryption_at_rest=True,
        encryption_in_transit=True,
        access_levels="Role-based",
        audit_rights=True,
        incident_response_plan=True,
        cert_iso27001=True,
    )
    assert quote_gaps(quote) == []


@pytest.mark.django_db
def test_a_missing_response_time_for_a_scoped_channel_is_a_gap(rfq, vendor_a):
    RfqChannel.objects.create(
        rfq=rfq, channel="chat", volume_per_month=100, aht_minutes=Decimal("10")
    )
    quote = Quote.objects.create(rfq=rfq, vendor=vendor_a, sla_email_response_minutes=60)
    gaps = quote_gaps(quote)
    assert "sla" not in gaps
    assert "response_time_per_channel" in gaps


@pytest.mark.django_db
def test_rates_outside_the_vendors_region_band_are_flagged(rfq, vendor_a):
    # vendor_a is nearshore: €12–25/h.
    cheap = Quote.objects.create(
        rfq=rfq, vendor=vendor_a, pricing_model="hourly", hourly_rate=Decimal("9")
    )
    assert [f.code for f in quote_rate_flags(cheap)] == ["below_market"]
    cheap.hourly_rate = Decimal("18")
    assert quote_rate_flags(cheap) == []


@pytest.mark.django_db
def test_risk_is_the_sum_of_probability_times_impact(rfq, vendor_a):
    quote = Quote.objects.create(rfq=rfq, vendor=vendor_a)
    RiskItem.objects.create(
        quote=quote, name="Quality loss", probability_pct=20, impact=Decimal("10000")
    )
    RiskItem.objects.create(
        quote=quote, name="Data leak", probability_pct=5, impact=Decimal("50000")
    )
    assert quote_risk(quote) == Decimal("4500")
