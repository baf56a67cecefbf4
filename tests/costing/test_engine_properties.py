"""Invariants of the engine over generated inputs (hypothesis)."""

import re
from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from costing.engine import (
    ENGINE_CONTEXT,
    InHouse,
    OtherFee,
    PricingModel,
    VendorOffer,
    Workload,
    estimate,
    scenarios,
    service_level,
    staffing,
)


def money(max_value: int = 20_000) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=2)


def positive(min_value: str, max_value: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(min_value), max_value=max_value, places=places)


pct = st.decimals(min_value=0, max_value=100, places=2)

workloads = st.builds(
    Workload,
    volume_per_month=positive("1", 50_000, places=0),
    aht_minutes=positive("0.5", 90, places=1),
    productive_hours_per_fte_month=positive("40", 200, places=1),
    coverage_hours_per_week=st.none() | st.decimals(min_value=0, max_value=168, places=1),
    automation_deflection_pct=pct,
)

in_houses = st.builds(
    InHouse,
    fte=st.none() | positive("0.1", 50, places=2),
    gross_salary_month=money(8_000),
    employer_costs_pct=st.decimals(min_value=0, max_value=60, places=1),
    overhead_per_fte_month=money(2_000),
    licences_per_fte_month=money(100),
    absence_pct=st.decimals(min_value=0, max_value=20, places=1),
    one_time=money(),
)

hourly_rates = positive("0.5", 60)
ticket_rates = positive("0.1", 10)


@st.composite
def offers(draw, models=tuple(PricingModel)):
    model = draw(st.sampled_from(models))
    hourly = ticket = fee = None
    if model is PricingModel.HOURLY:
        hourly = draw(hourly_rates)
        ticket = draw(st.none() | ticket_rates)  # ignored, but allowed
    elif model is PricingModel.PER_TICKET:
        ticket = draw(ticket_rates)
        hourly = draw(st.none() | hourly_rates)  # prices onboarding hours only
    elif model is PricingModel.SUBSCRIPTION:
        fee = draw(money())
        hourly = draw(st.none() | hourly_rates)
    else:
        fee = draw(money())
        if draw(st.booleans()):
            hourly = draw(hourly_rates)
        else:
            ticket = draw(ticket_rates)
    training = draw(st.none() | hourly_rates)
    # docs/domain.md §2: onboarding hours need a training rate (never priced at €0 silently).
    onboarding_hours = (
        Decimal(0)
        if hourly is None and training is None
        else draw(st.decimals(min_value=0, max_value=80, places=0))
    )
    return VendorOffer(
        pricing_model=model,
        hourly_rate=hourly,
        per_ticket_rate=ticket,
        monthly_fee=fee,
        agents=draw(st.none() | st.integers(min_value=1, max_value=40)),
        onboarding_fee=draw(money(10_000)),
        onboarding_hours_per_agent=onboarding_hours,
        onboarding_hourly_rate=training,
        other_fees=tuple(
            draw(
                st.lists(
                    st.builds(
                        OtherFee,
                        label=st.just("fee"),
                        amount=money(2_000),
                        per=st.sampled_from(["month", "once"]),
                    ),
                    max_size=3,
                )
            )
        ),
        licences_per_agent_month=draw(money(50)),
        integration_one_time=draw(money(10_000)),
        management_per_month=draw(money(2_000)),
        exit_fee=draw(money(5_000)),
    )


months_st = st.integers(min_value=1, max_value=60)
MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")


@given(workload=workloads, in_house=in_houses, offer=offers(), months=st.integers(1, 59))
def test_tco_never_falls_as_the_term_grows(workload, in_house, offer, months):
    shorter = estimate(workload=workload, in_house=in_house, offer=offer, months=months)
    longer = estimate(workload=workload, in_house=in_house, offer=offer, months=months + 1)

    assert longer.in_house.tco >= shorter.in_house.tco
    assert longer.outsourced.tco >= shorter.outsourced.tco


@given(workload=workloads, in_house=in_houses, offer=offers(), months=months_st)
def test_break_even_month_agrees_with_the_cumulative_series(workload, in_house, offer, months):
    result = estimate(workload=workload, in_house=in_house, offer=offer, months=months)

    # docs/domain.md §2: the first month from which outsourced stays ≤ in-house to the end.
    holds_from = [
        row.month
        for row in result.cumulative
        if all(later.outsourced <= later.in_house for later in result.cumulative[row.month - 1 :])
    ]
    assert result.break_even_month == (holds_from[0] if holds_from else None)
    if result.savings < 0:
        assert result.break_even_month is None
    assert [row.month for row in result.cumulative] == list(range(1, months + 1))


@given(workload=workloads, in_house=in_houses, offer=offers(), months=months_st)
def test_the_totals_add_up(workload, in_house, offer, months):
    result = estimate(workload=workload, in_house=in_house, offer=offer, months=months)
    outsourced = result.outsourced

    with localcontext(ENGINE_CONTEXT):  # compare at the engine's full precision
        assert outsourced.fixed + outsourced.variable == outsourced.tco
        assert result.savings == result.in_house.tco - outsourced.tco
        assert outsourced.one_time == outsourced.upfront + outsourced.exit_fee
    assert result.cumulative[-1].in_house == result.in_house.tco
    assert result.cumulative[-1].outsourced == outsourced.tco
    assert outsourced.agents >= 1
    # Rounded separately, the two parts may differ from the rounded total by a cent at most.
    shown = result.as_dict()["outsourced"]
    assert abs(
        Decimal(shown["fixed"]) + Decimal(shown["variable"]) - Decimal(shown["tco"])
    ) <= Decimal("0.01")


@given(workload=workloads, in_house=in_houses, offer=offers(), months=months_st)
def test_the_api_shape_holds_for_any_input(workload, in_house, offer, months):
    response = estimate(workload=workload, in_house=in_house, offer=offer, months=months).as_dict()

    money_fields = [
        response["workload_hours_per_month"],
        response["fte_required"],
        response["savings"],
        *(v for k, v in response["in_house"].items()),
        *(v for k, v in response["outsourced"].items() if k != "agents"),
        *(row[side] for row in response["cumulative"] for side in ("in_house", "outsourced")),
        *(v for v in (response["savings_pct"], response["roi_pct"]) if v is not None),
    ]
    assert all(MONEY_TEXT.match(value) for value in money_fields)
    assert isinstance(response["outsourced"]["agents"], int)
    assert response["break_even_month"] is None or 1 <= response["break_even_month"] <= months
    assert len(response["cumulative"]) == months


@given(
    workload=workloads,
    in_house=in_houses,
    offer=offers(models=(PricingModel.HOURLY, PricingModel.PER_TICKET, PricingModel.MIXED)),
    months=months_st,
)
def test_scenarios_order_volume_driven_costs(workload, in_house, offer, months):
    results = scenarios(workload=workload, in_house=in_house, offer=offer, months=months)
    pessimistic, realistic, optimistic = (
        results[name] for name in ("pessimistic", "realistic", "optimistic")
    )

    assert pessimistic.outsourced.tco >= realistic.outsourced.tco >= optimistic.outsourced.tco
    assert pessimistic.in_house.tco >= realistic.in_house.tco >= optimistic.in_house.tco
    assert realistic == estimate(workload=workload, in_house=in_house, offer=offer, months=months)


@settings(max_examples=60)
@given(
    contacts=st.integers(min_value=1, max_value=400),
    aht=st.integers(min_value=10, max_value=900),
    target=st.decimals(min_value=Decimal("1"), max_value=Decimal("99"), places=1),
    answer=st.integers(min_value=0, max_value=120),
)
def test_erlang_staffs_the_fewest_agents_that_meet_the_target(contacts, aht, target, answer):
    result = staffing(
        contacts_per_interval=contacts,
        interval_minutes=30,
        aht_seconds=aht,
        target_service_level_pct=target,
        target_answer_seconds=answer,
    )

    assert result.agents > result.traffic_erlangs
    assert result.service_level_pct >= target
    fewer = result.agents - 1
    if fewer > result.traffic_erlangs:
        sl = service_level(
            agents=fewer,
            traffic_erlangs=result.traffic_erlangs,
            aht_seconds=Decimal(aht),
            target_answer_seconds=Decimal(answer),
        )
        assert ENGINE_CONTEXT.multiply(sl, Decimal(100)) < target
