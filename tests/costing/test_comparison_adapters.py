"""Models → engine inputs (costing.adapters) and the comparison builder over loaded objects."""

from datetime import time
from decimal import Decimal

import pytest

from costing.adapters import (
    coverage_hours_per_week,
    in_house_for_rfq,
    offer_for_quote,
    workload_for_rfq,
)
from costing.comparison import build_comparison
from costing.engine import EngineInputError, PricingModel
from costing.selectors import submitted_quotes_for_comparison
from procurement.models import RfqChannel
from tests.costing.factories import QuoteFactory, RfqFactory
from tests.factories import VendorFactory


@pytest.mark.django_db
def test_the_scope_staffs_each_channel_by_its_own_rule(procurement_user):
    # docs/domain.md §1: e-mail a backlog (workload hours), chat a queue (seat hours per open
    # hour, concurrency 1.7); their hours add up (dedicated teams).
    rfq = RfqFactory(
        owner=procurement_user,
        channels=[("email", 300, "8"), ("chat", 200, "12")],
        automation_deflection_pct=Decimal(30),
        ih_productive_hours_per_fte_month=Decimal(150),
    )

    scope = workload_for_rfq(rfq)

    chat, email = scope.channels  # the model's order: chat, email
    assert (chat.is_live, email.is_live) == (True, False)
    assert email.workload_hours_per_month == Decimal(28)  # 300 × 0.7 × 8 / 60
    # 140 × 12 / 60 / 1.7 = 16.47 hours of work
    assert chat.workload_hours_per_month.quantize(Decimal("0.0001")) == Decimal("16.4706")
    # A trickle of chats 09:00–17:00 on 5 days: one seat every open hour → 8 × 5 × 4.2.
    assert chat.staffing.seat_hours_per_month == Decimal(168)
    assert scope.billable_hours_per_month == Decimal(28) + Decimal(168)
    assert scope.productive_hours_per_fte_month == Decimal(150)
    assert scope.volume_per_month == 500


@pytest.mark.parametrize(
    ("opens", "closes", "days", "hours"),
    [
        (time(9), time(17), 5, Decimal(40)),
        (time(9), time(23), 7, Decimal(98)),  # the whitepaper's live chat
        (time(8, 30), time(17, 15), 5, Decimal("43.75")),
        (time(18), time(2), 7, Decimal(56)),  # past midnight
        (time(0), time(0), 7, Decimal(168)),  # around the clock
    ],
)
def test_coverage_hours_come_from_the_opening_hours(opens, closes, days, hours):
    from procurement.models import Rfq

    rfq = Rfq(opens_at=opens, closes_at=closes, days_per_week=days)
    assert coverage_hours_per_week(rfq) == hours


@pytest.mark.django_db
def test_the_in_house_baseline_maps_onto_the_engine(procurement_user):
    rfq = RfqFactory(
        owner=procurement_user,
        ih_fte=None,
        ih_overhead_per_fte_month=Decimal(300),
        ih_licences_per_fte_month=Decimal(40),
        ih_absence_pct=Decimal(10),
        ih_one_time=Decimal(5000),
    )

    in_house = in_house_for_rfq(rfq)

    assert in_house.fte is None  # derived from workload and opening hours
    assert in_house.gross_salary_month == Decimal(2500)
    assert in_house.employer_costs_pct == Decimal(35)
    assert in_house.overhead_per_fte_month == Decimal(300)
    assert in_house.licences_per_fte_month == Decimal(40)
    assert in_house.absence_pct == Decimal(10)
    assert in_house.one_time == Decimal(5000)


@pytest.mark.django_db
def test_an_email_only_scope_is_staffed_by_workload_alone(procurement_user, vendor_a):
    # E-mail is a backlog (docs/domain.md §1): 0.52 FTE of work → 1 whole person, as in the
    # cost article, however long the desk is open.
    rfq = RfqFactory(owner=procurement_user, ih_fte=None)
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    comparison = build_comparison(rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=12)

    assert comparison.in_house.fte == 1
    assert comparison.in_house.tco == Decimal(40500)


@pytest.mark.django_db
def test_opening_hours_staff_a_live_desk_when_no_fte_is_given(procurement_user, vendor_a):
    # A trickle of chats 09:00–17:00 on 5 days: 168 seat hours + 83.33 e-mail hours =
    # 251.33 h / 160 → 2 whole people.
    rfq = RfqFactory(owner=procurement_user, ih_fte=None)
    RfqChannel.objects.create(rfq=rfq, channel="chat", volume_per_month=10, aht_minutes=Decimal(10))
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    comparison = build_comparison(rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=12)

    assert comparison.workload.in_house_hours_per_month.quantize(Decimal("0.01")) == Decimal(
        "251.33"
    )
    assert comparison.in_house.fte == 2


@pytest.mark.django_db
def test_a_quote_maps_one_to_one_and_adds_own_management(procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, own_management_per_month=Decimal(250))
    quote = QuoteFactory(
        rfq=rfq,
        vendor=vendor_a,
        pricing_model="mixed",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.25"),
        monthly_fee=Decimal(400),
        agents_offered=3,
        onboarding_fee=None,
        onboarding_hours_per_agent=None,  # with hours it would need a training rate
        licences_per_agent_month=Decimal(25),
        integration_one_time=Decimal(3000),
        management_fee_per_month=Decimal(150),
        exit_fee=Decimal(1500),
    )

    offer = offer_for_quote(quote, rfq)

    assert offer.pricing_model is PricingModel.MIXED
    assert offer.per_ticket_rate == Decimal("1.25")
    assert offer.monthly_fee == Decimal(400)
    assert offer.hourly_rate is None
    assert offer.agents == 3
    assert offer.onboarding_fee == 0  # not given: nothing to add
    assert offer.onboarding_hours_per_agent == 0
    assert offer.licences_per_agent_month == Decimal(25)
    assert offer.integration_one_time == Decimal(3000)
    assert offer.management_per_month == Decimal(400)  # 150 + 250
    assert offer.exit_fee == Decimal(1500)


@pytest.mark.django_db
def test_onboarding_hours_without_any_rate_name_the_training_rate(procurement_user, vendor_a):
    # docs/domain.md §2: never priced at €0 silently.
    rfq = RfqFactory(owner=procurement_user)
    quote = QuoteFactory(
        rfq=rfq,
        vendor=vendor_a,
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.25"),
        onboarding_hours_per_agent=Decimal(40),
    )

    with pytest.raises(EngineInputError) as error:
        offer_for_quote(quote, rfq)

    assert error.value.field == "quote.onboarding_hourly_rate"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"pricing_model": ""}, "quote.pricing_model"),
        ({"hourly_rate": None}, "quote.hourly_rate"),
        ({"pricing_model": "per_ticket", "hourly_rate": None}, "quote.per_ticket_rate"),
        ({"pricing_model": "subscription"}, "quote.monthly_fee"),
        ({"hourly_rate": Decimal(-1)}, "quote.hourly_rate"),
    ],
)
def test_a_quote_that_cannot_be_priced_names_its_field(
    procurement_user, vendor_a, fields, error_field
):
    rfq = RfqFactory(owner=procurement_user)
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a, **fields)

    with pytest.raises(EngineInputError) as caught:
        offer_for_quote(quote, rfq)

    assert caught.value.field == error_field


@pytest.mark.django_db
def test_an_rfq_without_channels_cannot_be_priced(procurement_user):
    rfq = RfqFactory(owner=procurement_user, channels=[])

    with pytest.raises(EngineInputError) as caught:
        workload_for_rfq(rfq)

    assert caught.value.field == "rfq.channels"


@pytest.mark.django_db
def test_the_comparison_ranks_by_tco_then_vendor_name_and_sums_to_the_tco(procurement_user):
    rfq = RfqFactory(owner=procurement_user)
    for name in ("Zeta Care", "Alpha Care"):  # the same price: alphabetical
        QuoteFactory(rfq=rfq, vendor=VendorFactory(name=name))
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="Cheaper Care"), hourly_rate=Decimal(12))

    comparison = build_comparison(rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=18)

    assert [c.quote.vendor.name for c in comparison.columns] == [
        "Cheaper Care",
        "Alpha Care",
        "Zeta Care",
    ]
    assert comparison.in_house_cumulative[-1] == comparison.in_house.tco
    assert len(comparison.in_house_cumulative) == 18
    for column in comparison.columns:
        assert column.estimate.cumulative[-1].outsourced == column.estimate.outsourced.tco
        assert column.estimate.in_house == comparison.in_house


@pytest.mark.django_db
def test_the_comparison_rejects_a_term_out_of_range(procurement_user):
    rfq = RfqFactory(owner=procurement_user)
    with pytest.raises(EngineInputError) as caught:
        build_comparison(rfq=rfq, quotes=[], months=61)
    assert caught.value.field == "months"
