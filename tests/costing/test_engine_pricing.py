"""Pricing that leaves nothing at €0 (docs/domain.md §2): other fees, the transition's double
running, scenarios per quote and the pilot's cost target per handled ticket (§5)."""

from decimal import Decimal, localcontext

import pytest

from costing.engine import (
    ENGINE_CONTEXT,
    EngineInputError,
    InHouse,
    OpenHours,
    OtherFee,
    ScenarioFactors,
    VendorOffer,
    Workload,
    cost_per_handled_ticket,
    estimate,
    q2,
    quote_scenarios,
)

COST_ARTICLE_WORKLOAD = Workload(volume_per_month=500, aht_minutes=10)
COST_ARTICLE_IN_HOUSE = InHouse(gross_salary_month=2500, employer_costs_pct=35)  # €3,375
NEARSHORE_QUOTE = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_fee=2000)


def cost_article(offer=NEARSHORE_QUOTE, **kwargs):
    return estimate(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=offer,
        months=kwargs.pop("months", 12),
        **kwargs,
    )


def test_other_fees_join_the_fixed_monthly_part_or_month_one():
    offer = VendorOffer(
        pricing_model="hourly",
        hourly_rate=18,
        onboarding_fee=2000,
        other_fees=(
            OtherFee(label="reporting module", amount=250, per="month"),
            OtherFee(label="set-up", amount=1500, per="once"),
        ),
    )

    result = cost_article(offer)
    outsourced = result.outsourced

    assert outsourced.monthly == Decimal(1750)  # €1,500 of hours + €250
    assert outsourced.fixed_monthly == Decimal(250)
    assert outsourced.one_time == Decimal(3500)  # €2,000 onboarding + €1,500 set-up
    assert outsourced.tco == Decimal(24500)  # 12 × 1,750 + 3,500
    assert outsourced.fixed == Decimal(6500)
    assert outsourced.variable == Decimal(18000)
    assert result.cumulative[0].outsourced == Decimal(5250)  # month 1 carries the set-up
    assert result.cumulative[1].outsourced == Decimal(7000)


@pytest.mark.parametrize(
    ("fee", "field"),
    [
        ({"label": "", "amount": 1, "per": "month"}, "vendor.other_fees.label"),
        ({"label": "x", "amount": -1, "per": "month"}, "vendor.other_fees.amount"),
        ({"label": "x", "amount": 1, "per": "year"}, "vendor.other_fees.per"),
    ],
)
def test_a_bad_other_fee_names_its_field(fee, field):
    with pytest.raises(EngineInputError) as error:
        OtherFee(**fee)

    assert error.value.field == field


def test_the_transition_carries_the_in_house_desk_in_its_first_months():
    result = cost_article(transition_months=2)
    outsourced = result.outsourced

    assert outsourced.transition == Decimal(6750)  # 2 × €3,375
    assert outsourced.tco == Decimal(26750)  # 12 × 1,500 + 2,000 + 6,750
    assert outsourced.fixed == Decimal(8750)  # the transition is a fixed cost
    assert outsourced.variable == Decimal(18000)
    assert outsourced.monthly == Decimal(1500)  # the run rate is unchanged
    assert [row.outsourced for row in result.cumulative[:4]] == [
        Decimal(6875),  # 1,500 + 2,000 + 3,375
        Decimal(11750),
        Decimal(13250),
        Decimal(14750),
    ]
    assert result.cumulative[-1].outsourced == outsourced.tco
    assert result.break_even_month == 5  # 16,250 ≤ 16,875; without a transition: 2
    assert result.savings == Decimal(40500 - 26750)
    assert result.as_dict()["outsourced"]["transition"] == "6750.00"


def test_no_transition_by_default():
    result = cost_article()

    assert result.outsourced.transition == 0
    assert result.outsourced.tco == Decimal(20000)
    assert result.break_even_month == 2


@pytest.mark.parametrize(("transition", "months"), [(13, 12), (-1, 12), ("1.5", 12)])
def test_a_transition_longer_than_the_term_is_refused(transition, months):
    with pytest.raises(EngineInputError) as error:
        cost_article(transition_months=transition, months=months)

    assert error.value.field == "transition_months"


def test_a_transition_over_the_whole_term_is_allowed():
    result = cost_article(transition_months=12)

    assert result.outsourced.transition == Decimal(12 * 3375)


def test_each_quote_carries_the_three_scenarios():
    outcomes = quote_scenarios(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
    )

    assert list(outcomes) == ["pessimistic", "realistic", "optimistic"]
    # ×1.2 volume × 1.1 AHT = 110 h; ×0.8 × 0.9 = 60 h; the in-house desk stays 1 FTE.
    assert outcomes["pessimistic"].tco == Decimal(18 * 110 * 12 + 2000)  # 25,760
    assert outcomes["pessimistic"].savings == Decimal(40500 - 25760)
    assert outcomes["realistic"].as_dict() == {
        "tco": "20000.00",
        "savings": "20500.00",
        "in_house_tco": "40500.00",  # issue 20: beside each quote's, the in-house TCO
    }
    assert outcomes["optimistic"].tco == Decimal(18 * 60 * 12 + 2000)  # 14,960
    assert outcomes["optimistic"].savings == Decimal(40500 - 14960)


def test_scenarios_take_their_own_factors_and_the_transition():
    outcomes = quote_scenarios(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
        factors={"double": ScenarioFactors(volume=2, aht=1)},
        transition_months=1,
    )

    assert list(outcomes) == ["double"]
    # 166.67 h: in-house 2 FTE (€6,750 a month), the vendor €3,000 a month.
    assert q2(outcomes["double"].in_house_tco) == Decimal(6750 * 12)
    assert q2(outcomes["double"].tco) == Decimal(3000 * 12 + 2000 + 6750)
    assert q2(outcomes["double"].savings) == Decimal(6750 * 12 - 44750)


def test_the_pilot_cost_target_divides_by_handled_tickets():
    # 1,000 tickets with 30% deflected: the vendor handles 700 and bills its quote for them.
    workload = Workload(volume_per_month=1000, aht_minutes=6, automation_deflection_pct=30)
    offer = VendorOffer(
        pricing_model="per_ticket",
        per_ticket_rate="2.50",
        agents=2,
        licences_per_agent_month=25,
        management_per_month=100,
        onboarding_fee=5000,  # one-time: not part of the monthly target
        other_fees=(OtherFee(label="set-up", amount=1500, per="once"),),
    )

    target = cost_per_handled_ticket(offer=offer, workload=workload)

    monthly = Decimal("2.50") * 700 + 2 * 25 + 100  # €1,900
    with localcontext(ENGINE_CONTEXT):
        assert target == monthly / 700  # €2.71, not €1.90 over gross volume
        # A vendor billing exactly its quote meets it (docs/domain.md §5: Σcost / Σtickets ≤ target).
        assert monthly / 700 <= target
    assert q2(target) == Decimal("2.71")


def test_the_pilot_cost_target_needs_handled_tickets():
    workload = Workload(volume_per_month=1000, aht_minutes=6, automation_deflection_pct=100)

    with pytest.raises(EngineInputError) as error:
        cost_per_handled_ticket(
            offer=VendorOffer(pricing_model="per_ticket", per_ticket_rate=2), workload=workload
        )

    assert error.value.field == "automation_deflection_pct"


def test_a_live_channels_scenarios_restaff_its_open_hours():
    # The phone check (docs/domain.md §1) priced by the hour: each scenario recomputes the seats.
    phone = Workload(
        volume_per_month=6000,
        aht_minutes=4,
        open_hours=OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5),
    )
    outcomes = quote_scenarios(
        workload=phone,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=VendorOffer(pricing_model="hourly", hourly_rate=18),
        months=12,
    )

    assert outcomes["realistic"].tco == Decimal(840 * 18 * 12)  # 5 seats × 8 h × 5 × 4.2
    # ×1.32 traffic: 3.14 Erlangs need 6 seats → 1,008 h; ×0.72: 1.71 Erlangs need 4 → 672 h.
    assert outcomes["pessimistic"].tco == Decimal(1008 * 18 * 12)
    assert outcomes["optimistic"].tco == Decimal(672 * 18 * 12)
