"""Live channels staffed seat by seat per open hour (docs/domain.md §1, "Live channels in the
cost comparison"): the two checks, an independent Erlang C hand calculation, properties."""

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.engine import (
    ENGINE_CONTEXT,
    EngineInputError,
    InHouse,
    OpenHours,
    Scope,
    VendorOffer,
    Workload,
    estimate,
    q2,
)


def phone_check_workload(**open_hours) -> Workload:
    """docs/domain.md: phone, 6,000 calls a month, 4 min, 09:00–17:00 on 5 days, 80/20."""
    return Workload(
        volume_per_month=6000,
        aht_minutes=4,
        open_hours=OpenHours(
            channel="phone", open_hours_per_day=8, open_days_per_week=5, **open_hours
        ),
    )


def chat_trickle_workload() -> Workload:
    """docs/domain.md: a trickle of chats from 09:00 to 23:00, 7 days."""
    return Workload(
        volume_per_month=10,
        aht_minutes=8,
        open_hours=OpenHours(channel="chat", open_hours_per_day=14, open_days_per_week=7),
    )


# --- docs/domain.md's two checks --------------------------------------------------------------


def test_a_trickle_of_chat_gets_one_seat_every_open_hour():
    workload = chat_trickle_workload()
    staffing = workload.staffing

    assert [row.seats for row in staffing.hours] == [1] * 14
    assert [row.hour for row in staffing.hours] == list(range(1, 15))
    assert staffing.peak_seats == 1
    assert staffing.seat_hours_per_month == Decimal("411.6")  # 14 × 7 × 4.2
    assert q2(workload.fte_required) == Decimal("2.57")  # at 160 h: the whitepaper's coverage


def test_the_phone_check_needs_five_seats_every_hour():
    workload = phone_check_workload()
    staffing = workload.staffing

    assert {q2(row.contacts) for row in staffing.hours} == {Decimal("35.71")}
    assert {q2(row.erlangs) for row in staffing.hours} == {Decimal("2.38")}
    assert [row.seats for row in staffing.hours] == [5] * 8
    assert staffing.seat_hours_per_month == Decimal(840)
    assert workload.fte_required == Decimal("5.25")
    assert workload.workload_hours_per_month == Decimal(400)  # the workload alone: 2.5 FTE


def test_the_phone_check_priced_in_house_and_by_an_hourly_vendor():
    result = estimate(
        workload=phone_check_workload(),
        in_house=InHouse(gross_salary_month=2500, employer_costs_pct=35),
        offer=VendorOffer(pricing_model="hourly", hourly_rate=18),
        months=12,
    )

    # docs/domain.md §1: 840 seat hours / 168 paid hours = 5.00 FTE (the workload alone: 2.38);
    # no separate coverage FTE on top, not rounded up to whole people.
    assert result.in_house.fte == Decimal("5.00")
    assert result.in_house.monthly == 5 * Decimal(3375)
    assert result.outsourced.agents == 6  # ceil(840 / 160)
    assert result.outsourced.variable_monthly == Decimal(840 * 18)  # seat hours, not 400 h
    response = result.as_dict()
    assert response["workload_hours_per_month"] == "400.00"
    assert response["fte_required"] == "5.25"
    assert response["staffing"]["seat_hours_per_month"] == "840.00"
    assert response["staffing"]["peak_seats"] == 5
    assert response["staffing"]["hours"][0] == {
        "hour": 1,
        "contacts": "35.71",
        "erlangs": "2.38",
        "seats": 5,
        "service_level_pct": response["staffing"]["hours"][0]["service_level_pct"],
    }
    assert len(response["staffing"]["hours"]) == 8


def test_chat_concurrency_divides_the_workload_hours():
    # Issue 11: 12,000 chats × 8 min at 1.7 at once = 941 h of work, not 1,600 h.
    workload = Workload(
        volume_per_month=12000,
        aht_minutes=8,
        open_hours=OpenHours(channel="chat", open_hours_per_day=14, open_days_per_week=7),
    )

    assert q2(workload.workload_hours_per_month) == Decimal("941.18")
    assert [row.seats for row in workload.staffing.hours] == [4] * 14  # 80% in 60 s
    assert workload.staffing.seat_hours_per_month == Decimal("1646.4")


def test_defaults_follow_the_channel():
    phone = OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5)
    chat = OpenHours(channel="chat", open_hours_per_day=8, open_days_per_week=5)

    assert (phone.service_level_pct, phone.answer_seconds, phone.concurrency) == (80, 20, 1)
    assert (chat.service_level_pct, chat.answer_seconds, chat.concurrency) == (
        80,
        60,
        Decimal("1.7"),
    )
    assert phone.hourly_weights == (1,) * 8
    assert phone.max_occupancy_pct is None


# --- an independent Erlang C hand calculation for a weighted day ---------------------------


def textbook_service_level(agents: int, traffic: float, aht: float, answer: float) -> float:
    """docs/domain.md §1 as printed: Pw = X / (X + Y), X = A^N/N! · N/(N−A), Y = Σ A^k/k!."""
    x = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    y = sum(traffic**k / math.factorial(k) for k in range(agents))
    pw = x / (x + y)
    return 1 - pw * math.exp(-(agents - traffic) * answer / aht)


def textbook_seats(traffic: float, aht: float, answer: float, target: float, cap=None) -> int:
    agents = max(1, math.floor(traffic) + 1)
    while textbook_service_level(agents, traffic, aht, answer) < target:
        agents += 1
    if cap is not None:
        agents = max(agents, math.ceil(traffic / cap))
    return agents


@pytest.mark.parametrize("cap", [None, Fraction(60, 100)])
def test_a_weighted_day_matches_the_textbook_formula(cap):
    # Phone, 8,400 calls, 5 min, 4 open hours on 5 days, weights 1:2:3:2.
    # Per open day 8,400 / (5 × 4.2) = 400 calls → 50, 100, 150, 100 an hour.
    weights = (1, 2, 3, 2)
    workload = Workload(
        volume_per_month=8400,
        aht_minutes=5,
        open_hours=OpenHours(
            channel="phone",
            open_hours_per_day=4,
            open_days_per_week=5,
            hourly_weights=weights,
            service_level_pct=90,
            answer_seconds=15,
            max_occupancy_pct=None if cap is None else 60,
        ),
    )
    per_day = Fraction(8400) / (5 * Fraction(42, 10))
    expected_contacts = [per_day * w / sum(weights) for w in weights]
    expected_traffic = [c * 300 / 3600 for c in expected_contacts]
    expected_seats = [
        textbook_seats(float(a), 300.0, 15.0, 0.9, None if cap is None else float(cap))
        for a in expected_traffic
    ]

    rows = workload.staffing.hours
    assert [row.contacts for row in rows] == [Decimal(int(c)) for c in expected_contacts]
    assert [Fraction(row.erlangs) for row in rows] == pytest.approx(expected_traffic, abs=1e-30)
    assert [row.seats for row in rows] == expected_seats
    for row, traffic in zip(rows, expected_traffic, strict=True):
        expected_level = textbook_service_level(row.seats, float(traffic), 300.0, 15.0)
        assert float(row.service_level_pct) == pytest.approx(expected_level * 100, abs=1e-9)
    assert workload.staffing.seat_hours_per_month == Decimal("4.2") * 5 * sum(expected_seats)
    if cap is None:
        assert expected_seats == [8, 13, 18, 13]  # 4.17, 8.33, 12.5, 8.33 Erlangs
    else:
        assert expected_seats == [8, 14, 21, 14]  # at most 60% busy: ceil(A / 0.6)


def test_the_occupancy_cap_raises_the_seats():
    # 12.5 Erlangs at a lax 50% in 60 s needs 14 seats; at most 70% busy needs 18.
    common = {"channel": "phone", "open_hours_per_day": 1, "open_days_per_week": 5}
    volume = {"volume_per_month": Decimal(150) * 21, "aht_minutes": 5}
    lax = Workload(
        **volume, open_hours=OpenHours(**common, service_level_pct=50, answer_seconds=60)
    )
    capped = Workload(
        **volume,
        open_hours=OpenHours(
            **common, service_level_pct=50, answer_seconds=60, max_occupancy_pct=70
        ),
    )

    assert lax.staffing.hours[0].erlangs == Decimal("12.5")
    assert lax.staffing.hours[0].seats == textbook_seats(12.5, 300.0, 60.0, 0.5)
    assert capped.staffing.hours[0].seats == 18  # ceil(12.5 / 0.7)


def test_thousands_of_erlangs_stay_exact_and_finite():
    # 3,000 Erlangs in the peak hour: A^N/N! would overflow a float; the recurrence does not.
    workload = Workload(
        volume_per_month=Decimal(36000) * Decimal("4.2") * 7,
        aht_minutes=5,
        open_hours=OpenHours(channel="phone", open_hours_per_day=1, open_days_per_week=7),
    )
    row = workload.staffing.hours[0]

    assert row.erlangs == Decimal(3000)
    assert 3000 < row.seats < 3100
    assert row.service_level_pct >= 80


# --- several channels, and bad input --------------------------------------------------------


def test_a_scope_adds_the_channels_hours():
    email = Workload(volume_per_month=500, aht_minutes=10)  # 83.33 h of backlog
    scope = Scope((chat_trickle_workload(), email))
    result = estimate(
        workload=scope,
        in_house=InHouse(gross_salary_month=2500, employer_costs_pct=35),
        offer=VendorOffer(pricing_model="hourly", hourly_rate=18),
        months=12,
    )

    with localcontext(ENGINE_CONTEXT):  # the engine's 50 digits
        hours = Decimal("411.6") + Decimal(500) * 10 / 60
        monthly = 18 * hours
    assert scope.billable_hours_per_month == hours
    # Each channel by its own rule, added up: e-mail ceil(83.33 / 160) = 1 whole person,
    # chat 411.6 seat hours / 168 paid hours = 2.45 FTE.
    assert result.in_house.fte == Decimal("3.45")
    assert result.outsourced.agents == 4
    assert result.outsourced.variable_monthly == monthly
    assert result.staffing is None  # per channel: scope.channels[0].staffing


@pytest.mark.parametrize(
    ("open_hours", "field"),
    [
        ({"open_hours_per_day": 0}, "open_hours_per_day"),
        ({"open_hours_per_day": 25}, "open_hours_per_day"),
        ({"open_hours_per_day": "7.5"}, "open_hours_per_day"),
        ({"open_days_per_week": 8}, "open_days_per_week"),
        ({"open_days_per_week": 0}, "open_days_per_week"),
        ({"hourly_weights": (1, 2, 3)}, "hourly_weights"),
        ({"hourly_weights": (1, 2, 0, 1, 1, 1, 1, 1)}, "hourly_weights"),
        ({"hourly_weights": (1, 2, -1, 1, 1, 1, 1, 1)}, "hourly_weights"),
        ({"service_level_pct": 100}, "service_level_pct"),
        ({"service_level_pct": 0}, "service_level_pct"),
        ({"answer_seconds": -1}, "answer_seconds"),
        ({"concurrency": 0}, "concurrency"),
        ({"max_occupancy_pct": 0}, "max_occupancy_pct"),
        ({"max_occupancy_pct": 101}, "max_occupancy_pct"),
        ({"channel": "email"}, "channel"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_open_hours_name_the_field(open_hours, field):
    arguments = {"channel": "phone", "open_hours_per_day": 8, "open_days_per_week": 5}
    with pytest.raises(EngineInputError) as error:
        OpenHours(**{**arguments, **open_hours})

    assert error.value.field == field


def test_coverage_hours_are_refused_for_a_live_channel():
    with pytest.raises(EngineInputError) as error:
        Workload(
            volume_per_month=100,
            aht_minutes=5,
            coverage_hours_per_week=40,
            open_hours=OpenHours(channel="chat", open_hours_per_day=8, open_days_per_week=5),
        )

    assert error.value.field == "coverage_hours_per_week"


def test_a_fully_deflected_live_channel_still_staffs_its_open_desk():
    workload = Workload(
        volume_per_month=100,
        aht_minutes=5,
        automation_deflection_pct=100,
        open_hours=OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5),
    )

    assert [row.seats for row in workload.staffing.hours] == [1] * 8
    assert workload.staffing.seat_hours_per_month == Decimal(168)


# --- properties -------------------------------------------------------------------------------


@st.composite
def live_workloads(draw):
    hours = draw(st.integers(min_value=1, max_value=24))
    weights = draw(
        st.none()
        | st.lists(
            st.decimals(min_value=Decimal("0.1"), max_value=10, places=1),
            min_size=hours,
            max_size=hours,
        ).map(tuple)
    )
    return {
        "volume_per_month": draw(st.decimals(min_value=1, max_value=60_000, places=0)),
        "aht_minutes": draw(st.decimals(min_value=Decimal("0.5"), max_value=30, places=1)),
        "automation_deflection_pct": draw(st.decimals(min_value=0, max_value=60, places=0)),
        "open_hours": {
            "channel": draw(st.sampled_from(["chat", "phone"])),
            "open_hours_per_day": hours,
            "open_days_per_week": draw(st.integers(min_value=1, max_value=7)),
            "hourly_weights": weights,
            "service_level_pct": draw(st.decimals(min_value=50, max_value=95, places=0)),
            "max_occupancy_pct": draw(st.none() | st.decimals(min_value=60, max_value=100)),
        },
    }


def build(fields, **changes) -> Workload:
    fields = {**fields, **changes}
    return Workload(**{**fields, "open_hours": OpenHours(**fields["open_hours"])})


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


@PROPERTY_SETTINGS
@given(fields=live_workloads(), factor=st.decimals(min_value=1, max_value=3, places=2))
def test_seat_hours_never_fall_when_volume_or_aht_rise(fields, factor):
    base = build(fields).staffing.seat_hours_per_month

    more = build(fields, volume_per_month=fields["volume_per_month"] * factor)
    longer = build(fields, aht_minutes=fields["aht_minutes"] * factor)

    assert more.staffing.seat_hours_per_month >= base
    assert longer.staffing.seat_hours_per_month >= base


@PROPERTY_SETTINGS
@given(fields=live_workloads(), tighter=st.integers(min_value=0, max_value=4))
def test_seat_hours_never_fall_when_the_service_level_tightens(fields, tighter):
    base = build(fields)
    open_hours = dict(fields["open_hours"])
    open_hours["service_level_pct"] += tighter
    open_hours["answer_seconds"] = 10  # below both defaults (20 s phone, 60 s chat)
    strict = build(fields, open_hours=open_hours)

    assert strict.staffing.seat_hours_per_month >= base.staffing.seat_hours_per_month


@PROPERTY_SETTINGS
@given(fields=live_workloads(), rate=st.decimals(min_value=1, max_value=60, places=2))
def test_every_open_hour_has_a_seat_and_seat_billing_covers_the_workload(fields, rate):
    workload = build(fields)
    staffing = workload.staffing
    cost = estimate(
        workload=workload,
        in_house=InHouse(),
        offer=VendorOffer(pricing_model="hourly", hourly_rate=rate),
        months=1,
    )

    assert len(staffing.hours) == fields["open_hours"]["open_hours_per_day"]
    assert all(row.seats >= 1 and row.seats > row.erlangs for row in staffing.hours)
    assert staffing.peak_seats == max(row.seats for row in staffing.hours)
    assert cost.outsourced.variable_monthly >= rate * workload.workload_hours_per_month
    # docs/domain.md §1: seat hours over 168 paid hours, two decimals.
    expected = (Decimal(staffing.seat_hours_per_month) / 168).quantize(Decimal("0.01"))
    assert abs(cost.in_house.fte - expected) <= Decimal("0.01")
