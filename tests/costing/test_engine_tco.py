"""TCO, savings, ROI, break-even and scenarios (docs/domain.md §2), to the cent."""

from decimal import Decimal

import pytest

from costing.engine import (
    DEFAULT_SCENARIOS,
    EngineInputError,
    InHouse,
    PricingModel,
    ScenarioFactors,
    VendorOffer,
    Workload,
    estimate,
    outsourced_cost,
    q2,
    scenarios,
)

COST_ARTICLE_WORKLOAD = Workload(volume_per_month=500, aht_minutes=10)
COST_ARTICLE_IN_HOUSE = InHouse(gross_salary_month=2500, employer_costs_pct=35)
NEARSHORE_QUOTE = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_fee=2000)

# docs/api.md, Costing: the response example (its cumulative list is cut after month 2), with
# the further fields: `staffing` null for e-mail, `outsourced.transition` "0.00".
API_EXAMPLE_RESPONSE = {
    "workload_hours_per_month": "83.33",
    "fte_required": "0.52",
    "staffing": None,
    "in_house": {
        "fte": "1.00",
        "monthly": "3375.00",
        "one_time": "0.00",
        "tco": "40500.00",
        "cost_per_ticket": "6.75",
    },
    "outsourced": {
        "agents": 1,
        "monthly": "1500.00",
        "one_time": "2000.00",
        "tco": "20000.00",
        "cost_per_ticket": "3.33",
        "fixed": "2000.00",
        "variable": "18000.00",
        "transition": "0.00",
    },
    "savings": "20500.00",
    "savings_pct": "50.62",
    "roi_pct": "102.50",
    "break_even_month": 2,
    "cumulative": [
        {"month": 1, "in_house": "3375.00", "outsourced": "3500.00"},
        {"month": 2, "in_house": "6750.00", "outsourced": "5000.00"},
    ],
}


def cost_article(
    offer=NEARSHORE_QUOTE,
    *,
    months=12,
    workload=COST_ARTICLE_WORKLOAD,
    in_house=COST_ARTICLE_IN_HOUSE,
):
    return estimate(workload=workload, in_house=in_house, offer=offer, months=months)


def test_cost_article_estimate_matches_the_api_example_field_for_field():
    response = cost_article().as_dict()

    assert len(response["cumulative"]) == 12
    assert response["cumulative"][-1] == {
        "month": 12,
        "in_house": "40500.00",
        "outsourced": "20000.00",
    }
    assert {**response, "cumulative": response["cumulative"][:2]} == API_EXAMPLE_RESPONSE
    assert list(response) == list(API_EXAMPLE_RESPONSE)
    assert list(response["outsourced"]) == list(API_EXAMPLE_RESPONSE["outsourced"])


def test_cost_article_figures_at_full_precision_then_rounded():
    result = cost_article()

    assert result.in_house.fte == Decimal(1)
    assert result.in_house.monthly == Decimal(3375)
    assert result.in_house.tco == Decimal(40500)
    assert q2(result.outsourced.tco) == Decimal("20000.00")
    assert q2(result.savings) == Decimal("20500.00")
    assert q2(result.savings_pct) == Decimal("50.62")
    assert q2(result.roi_pct) == Decimal("102.50")
    assert result.break_even_month == 2
    assert q2(result.outsourced.fixed) == Decimal("2000.00")
    assert q2(result.outsourced.variable) == Decimal("18000.00")
    assert q2(result.in_house.cost_per_ticket) == Decimal("6.75")
    assert q2(result.outsourced.cost_per_ticket) == Decimal("3.33")


def test_cost_article_over_24_months():
    result = cost_article(months=24)

    assert q2(result.in_house.tco) == Decimal("81000.00")
    assert q2(result.outsourced.tco) == Decimal("38000.00")
    assert q2(result.savings) == Decimal("43000.00")
    assert result.break_even_month == 2


def test_hourly_pricing_charges_workload_hours():
    cost = outsourced_cost(
        offer=VendorOffer(pricing_model="hourly", hourly_rate=20),
        workload=COST_ARTICLE_WORKLOAD,
        months=12,
    )

    assert q2(cost.monthly) == Decimal("1666.67")
    assert q2(cost.tco) == Decimal("20000.00")
    assert q2(cost.variable) == Decimal("20000.00")
    assert q2(cost.fixed) == Decimal("0.00")


def test_per_ticket_pricing_charges_handled_tickets():
    cost = outsourced_cost(
        offer=VendorOffer(pricing_model="per_ticket", per_ticket_rate="2.50"),
        workload=COST_ARTICLE_WORKLOAD,
        months=12,
    )

    assert cost.monthly == Decimal("1250.00")
    assert cost.tco == Decimal("15000.00")
    assert cost.variable == cost.tco
    assert cost.fixed == 0
    assert q2(cost.cost_per_ticket) == Decimal("2.50")


def test_subscription_is_all_fixed():
    cost = outsourced_cost(
        offer=VendorOffer(pricing_model="subscription", monthly_fee=1200, onboarding_fee=500),
        workload=COST_ARTICLE_WORKLOAD,
        months=12,
    )

    assert cost.monthly == Decimal(1200)
    assert cost.tco == Decimal(14900)
    assert cost.variable == 0
    assert cost.fixed == Decimal(14900)


def test_mixed_with_an_hourly_rate():
    cost = outsourced_cost(
        offer=VendorOffer(pricing_model="mixed", monthly_fee=500, hourly_rate=12),
        workload=COST_ARTICLE_WORKLOAD,
        months=12,
    )

    assert q2(cost.monthly) == Decimal("1500.00")
    assert q2(cost.variable) == Decimal("12000.00")
    assert q2(cost.fixed) == Decimal("6000.00")
    assert q2(cost.tco) == Decimal("18000.00")


def test_mixed_with_a_per_ticket_rate():
    cost = outsourced_cost(
        offer=VendorOffer(
            pricing_model=PricingModel.MIXED, monthly_fee=500, per_ticket_rate="1.50"
        ),
        workload=COST_ARTICLE_WORKLOAD,
        months=12,
    )

    assert cost.monthly == Decimal(1250)
    assert cost.variable == Decimal(9000)
    assert cost.fixed == Decimal(6000)


def test_onboarding_hours_per_agent_are_priced_at_the_hourly_rate():
    # docs/domain.md §2: 40–80 h per agent × the vendor's hourly rate.
    offer = VendorOffer(
        pricing_model="hourly",
        hourly_rate=18,
        agents=3,
        onboarding_fee=2000,
        onboarding_hours_per_agent=40,
    )

    cost = outsourced_cost(offer=offer, workload=COST_ARTICLE_WORKLOAD, months=12)

    assert cost.agents == 3
    assert cost.one_time == Decimal(2000 + 40 * 3 * 18)
    assert cost.one_time == Decimal(4160)
    assert q2(cost.tco) == Decimal("22160.00")


def test_onboarding_hours_use_derived_agents():
    workload = Workload(volume_per_month=2000, aht_minutes=10)  # 333.33 h → 2.08 FTE
    offer = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_hours_per_agent=60)

    cost = outsourced_cost(offer=offer, workload=workload, months=12)

    assert cost.agents == 3
    assert cost.one_time == Decimal(60 * 3 * 18)


@pytest.mark.parametrize(
    "rates",
    [
        {"pricing_model": "per_ticket", "per_ticket_rate": 3},
        {"pricing_model": "subscription", "monthly_fee": 900},
        {"pricing_model": "mixed", "monthly_fee": 600, "per_ticket_rate": "1.60"},
    ],
)
def test_onboarding_hours_without_any_rate_are_an_error_never_zero(rates):
    with pytest.raises(EngineInputError) as error:
        VendorOffer(**rates, onboarding_hours_per_agent=60)

    assert error.value.field == "vendor.onboarding_hourly_rate"


@pytest.mark.parametrize(
    "rates",
    [
        {"pricing_model": "per_ticket", "per_ticket_rate": 3},
        {"pricing_model": "subscription", "monthly_fee": 900},
        {"pricing_model": "mixed", "monthly_fee": 600, "per_ticket_rate": "1.60"},
        {"pricing_model": "hourly", "hourly_rate": 18},  # the training rate wins over it
    ],
)
def test_onboarding_hours_are_priced_at_the_training_rate_under_every_model(rates):
    offer = VendorOffer(
        **rates, agents=2, onboarding_hours_per_agent=60, onboarding_hourly_rate="12.50"
    )

    cost = outsourced_cost(offer=offer, workload=COST_ARTICLE_WORKLOAD, months=12)

    assert cost.one_time == Decimal(60 * 2) * Decimal("12.50")  # €1,500


def test_no_onboarding_hours_need_no_rate():
    offer = VendorOffer(pricing_model="per_ticket", per_ticket_rate=3, onboarding_fee=500)

    cost = outsourced_cost(offer=offer, workload=COST_ARTICLE_WORKLOAD, months=12)

    assert cost.one_time == 500


def test_a_per_ticket_quote_may_price_onboarding_at_its_hourly_rate():
    offer = VendorOffer(
        pricing_model="per_ticket", per_ticket_rate=3, hourly_rate=20, onboarding_hours_per_agent=50
    )

    cost = outsourced_cost(offer=offer, workload=COST_ARTICLE_WORKLOAD, months=12)

    assert cost.monthly == Decimal(1500)  # per ticket, not per hour
    assert cost.one_time == Decimal(1000)


def test_rates_a_model_does_not_use_are_ignored():
    offer = VendorOffer(pricing_model="hourly", hourly_rate=18, per_ticket_rate=3, monthly_fee=999)

    cost = outsourced_cost(offer=offer, workload=COST_ARTICLE_WORKLOAD, months=12)

    assert q2(cost.monthly) == Decimal("1500.00")


def test_licences_and_management_are_fixed_monthly_costs():
    offer = VendorOffer(
        pricing_model="hourly",
        hourly_rate=18,
        onboarding_fee=2000,
        agents=2,
        licences_per_agent_month=30,
        management_per_month=250,
    )

    result = cost_article(offer)

    assert result.outsourced.fixed_monthly == Decimal(2 * 30 + 250)
    assert q2(result.outsourced.monthly) == Decimal("1810.00")
    assert q2(result.outsourced.tco) == Decimal("23720.00")
    assert q2(result.outsourced.variable) == Decimal("18000.00")
    assert q2(result.outsourced.fixed) == Decimal("5720.00")


def test_integration_is_a_one_time_cost_in_month_one():
    offer = VendorOffer(
        pricing_model="hourly", hourly_rate=18, onboarding_fee=2000, integration_one_time=5000
    )

    result = cost_article(offer)

    assert result.outsourced.one_time == Decimal(7000)
    assert q2(result.outsourced.tco) == Decimal("25000.00")
    assert result.as_dict()["cumulative"][0]["outsourced"] == "8500.00"
    assert result.break_even_month == 4  # 4 × 1500 + 7000 = 13000 ≤ 4 × 3375 = 13500


def test_the_exit_fee_falls_in_the_last_month():
    offer = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_fee=2000, exit_fee=2000)

    three_months = cost_article(offer, months=3).as_dict()

    assert three_months["outsourced"]["one_time"] == "4000.00"
    assert three_months["outsourced"]["tco"] == "8500.00"
    assert [row["outsourced"] for row in three_months["cumulative"]] == [
        "3500.00",
        "5000.00",
        "8500.00",
    ]
    assert three_months["break_even_month"] == 2


def test_an_exit_fee_in_the_last_month_can_undo_break_even():
    with_exit = VendorOffer(
        pricing_model="hourly", hourly_rate=18, onboarding_fee=2000, exit_fee=2000
    )
    without_exit = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_fee=2000)

    assert cost_article(without_exit, months=2).break_even_month == 2
    # Month 2 now carries the exit fee: 5000 + 2000 = 7000 > 6750.
    assert cost_article(with_exit, months=2).break_even_month is None
    assert cost_article(with_exit, months=2).as_dict()["cumulative"][1]["outsourced"] == "7000.00"


def test_break_even_when_costs_are_exactly_equal():
    offer = VendorOffer(pricing_model="subscription", monthly_fee="3375")

    result = cost_article(offer)

    assert result.break_even_month == 1
    assert result.savings == 0
    assert result.as_dict()["savings_pct"] == "0.00"


def test_no_break_even_when_the_vendor_is_dearer():
    offer = VendorOffer(pricing_model="hourly", hourly_rate=45)

    result = cost_article(offer).as_dict()

    assert result["break_even_month"] is None
    assert result["savings"] == "-4500.00"
    assert result["savings_pct"] == "-11.11"
    assert result["roi_pct"] == "-10.00"


def test_deflection_reduces_handled_tickets_but_not_cost_per_ticket_volume():
    workload = Workload(volume_per_month=500, aht_minutes=10, automation_deflection_pct=35)
    per_ticket = VendorOffer(pricing_model="per_ticket", per_ticket_rate="2.50")

    result = estimate(
        workload=workload, in_house=COST_ARTICLE_IN_HOUSE, offer=per_ticket, months=12
    )
    hourly = estimate(
        workload=workload, in_house=COST_ARTICLE_IN_HOUSE, offer=NEARSHORE_QUOTE, months=12
    )

    assert result.outsourced.monthly == Decimal("812.50")  # 325 handled × 2.50
    assert result.outsourced.tco == Decimal(9750)
    assert result.outsourced.cost_per_ticket == Decimal("1.625")  # over all 500 a month
    assert q2(hourly.workload_hours_per_month) == Decimal("54.17")
    assert q2(hourly.outsourced.monthly) == Decimal("975.00")


def test_percentages_are_null_when_their_denominator_is_zero():
    nothing_in_house = InHouse()
    free_vendor = VendorOffer(pricing_model="subscription", monthly_fee=0)

    result = estimate(
        workload=COST_ARTICLE_WORKLOAD, in_house=nothing_in_house, offer=free_vendor, months=12
    )

    assert result.savings_pct is None
    assert result.roi_pct is None
    assert result.as_dict()["savings_pct"] is None
    assert result.as_dict()["roi_pct"] is None
    assert result.as_dict()["savings"] == "0.00"


def test_in_house_extras_and_absence():
    in_house = InHouse(
        fte=2,
        gross_salary_month=2500,
        employer_costs_pct=35,
        overhead_per_fte_month=400,
        licences_per_fte_month=25,
        absence_pct=10,
        one_time=3000,
    )

    result = cost_article(in_house=in_house)

    # 2 × (3375 + 400 + 25) × 1.1 = 8360 a month.
    assert result.in_house.monthly == Decimal(8360)
    assert result.in_house.tco == Decimal(12 * 8360 + 3000)
    assert result.as_dict()["cumulative"][0]["in_house"] == "11360.00"


def test_default_scenarios_for_the_cost_article():
    results = scenarios(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
    )

    assert list(results) == ["pessimistic", "realistic", "optimistic"]
    # ×1.2 volume, ×1.1 AHT: 600 × 11 / 60 = 110 h × 18 × 12 + 2000.
    assert q2(results["pessimistic"].outsourced.tco) == Decimal("25760.00")
    assert results["realistic"] == cost_article()
    # ×0.8 volume, ×0.9 AHT: 400 × 9 / 60 = 60 h.
    assert q2(results["optimistic"].outsourced.tco) == Decimal("14960.00")
    assert {name: r.in_house.tco for name, r in results.items()} == dict.fromkeys(
        results, Decimal(40500)
    )
    assert DEFAULT_SCENARIOS["pessimistic"] == ScenarioFactors(
        volume=Decimal("1.2"), aht=Decimal("1.1")
    )


def test_scenario_factors_are_editable():
    results = scenarios(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
        factors={"double": ScenarioFactors(volume=2, aht=1)},
    )

    assert list(results) == ["double"]
    assert results["double"].in_house.fte == Decimal(2)
    assert q2(results["double"].in_house.tco) == Decimal("81000.00")
    assert q2(results["double"].outsourced.tco) == Decimal("38000.00")


@pytest.mark.parametrize(
    ("factors", "field"),
    [({"volume": 0, "aht": 1}, "scenarios.volume"), ({"volume": 1, "aht": -1}, "scenarios.aht")],
)
def test_invalid_scenario_factor_names_its_field(factors, field):
    with pytest.raises(EngineInputError) as error:
        ScenarioFactors(**factors)

    assert error.value.field == field


@pytest.mark.parametrize("months", [0, 61, -1, "1.5", "twelve", None])
def test_months_outside_1_to_60_are_rejected(months):
    with pytest.raises(EngineInputError) as error:
        cost_article(months=months)

    assert error.value.field == "months"


@pytest.mark.parametrize("months", [1, 60, "24"])
def test_months_at_the_edges_are_accepted(months):
    assert len(cost_article(months=months).cumulative) == int(months)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fte": 0}, "in_house.fte"),
        ({"fte": "-1"}, "in_house.fte"),
        ({"gross_salary_month": -1}, "in_house.gross_salary_month"),
        ({"employer_costs_pct": -5}, "in_house.employer_costs_pct"),
        ({"overhead_per_fte_month": "-0.01"}, "in_house.overhead_per_fte_month"),
        ({"licences_per_fte_month": -1}, "in_house.licences_per_fte_month"),
        ({"absence_pct": -1}, "in_house.absence_pct"),
        ({"one_time": "abc"}, "in_house.one_time"),
    ],
)
def test_invalid_in_house_input_names_its_field(kwargs, field):
    with pytest.raises(EngineInputError) as error:
        InHouse(**kwargs)

    assert error.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"pricing_model": "barter"}, "vendor.pricing_model"),
        ({"pricing_model": None}, "vendor.pricing_model"),
        ({"pricing_model": "hourly"}, "vendor.hourly_rate"),
        ({"pricing_model": "per_ticket", "hourly_rate": 18}, "vendor.per_ticket_rate"),
        ({"pricing_model": "subscription"}, "vendor.monthly_fee"),
        ({"pricing_model": "mixed", "hourly_rate": 18}, "vendor.monthly_fee"),
        ({"pricing_model": "mixed", "monthly_fee": 500}, "vendor.hourly_rate"),
        (
            {"pricing_model": "mixed", "monthly_fee": 500, "hourly_rate": 18, "per_ticket_rate": 2},
            "vendor.per_ticket_rate",
        ),
        ({"pricing_model": "hourly", "hourly_rate": -18}, "vendor.hourly_rate"),
        ({"pricing_model": "per_ticket", "per_ticket_rate": "-1"}, "vendor.per_ticket_rate"),
        ({"pricing_model": "subscription", "monthly_fee": -1}, "vendor.monthly_fee"),
        ({"pricing_model": "hourly", "hourly_rate": 18, "agents": 0}, "vendor.agents"),
        ({"pricing_model": "hourly", "hourly_rate": 18, "agents": "1.5"}, "vendor.agents"),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_fee": -1},
            "vendor.onboarding_fee",
        ),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_hours_per_agent": -40},
            "vendor.onboarding_hours_per_agent",
        ),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "licences_per_agent_month": -1},
            "vendor.licences_per_agent_month",
        ),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "integration_one_time": -1},
            "vendor.integration_one_time",
        ),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "management_per_month": -1},
            "vendor.management_per_month",
        ),
        ({"pricing_model": "hourly", "hourly_rate": 18, "exit_fee": -1}, "vendor.exit_fee"),
    ],
)
def test_invalid_vendor_offer_names_its_field(kwargs, field):
    with pytest.raises(EngineInputError) as error:
        VendorOffer(**kwargs)

    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_agents_given_as_a_whole_decimal_become_an_int():
    offer = VendorOffer(pricing_model="hourly", hourly_rate=18, agents=Decimal("2.0"))

    assert offer.agents == 2
    assert cost_article(offer).as_dict()["outsourced"]["agents"] == 2
