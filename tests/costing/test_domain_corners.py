"""Issue 20's corners of docs/domain.md, each on a hand calculation: the in-house live desk
(§1: paid hours, dedicated FTE to two decimals, shrinkage, combined with own work), the
break-even that holds to the end of the term (§2) and a queue beyond the engine's cap."""

from decimal import Decimal

import pytest

from costing.engine import (
    EngineInputError,
    InHouse,
    OpenHours,
    Scope,
    VendorOffer,
    Workload,
    estimate,
    in_house_cost,
    q2,
)

# The whitepaper: €2,000 gross × 1.2 = €2,400 a month, €14.29 an hour over 168 hours.
WHITEPAPER = {"gross_salary_month": 2000, "employer_costs_pct": 20}


def chat_desk(volume_per_month) -> Workload:
    """Live chat from 09:00 to 23:00 on 7 days (14 open hours)."""
    return Workload(
        volume_per_month=volume_per_month,
        aht_minutes=10,
        open_hours=OpenHours(channel="chat", open_hours_per_day=14, open_days_per_week=7),
    )


def test_a_trickle_of_chat_is_2_45_fte_and_5880_a_month():
    # One seat in each of 14 open hours × 7 days × 4.2 weeks = 411.6 seat hours; over
    # 40 h × 4.2 = 168 paid hours that is 2.45 FTE (not 3 whole people): 2.45 × €2,400.
    cost = in_house_cost(in_house=InHouse(**WHITEPAPER), workload=chat_desk(10), months=12)

    assert cost.fte == Decimal("2.45")
    assert q2(cost.monthly) == Decimal("5880.00")
    assert q2(cost.tco) == Decimal("70560.00")  # 12 × 5,880
    assert cost.dedicated.as_dict() == {"fte": "2.45", "monthly": "5880.00", "tco": "70560.00"}


def test_combined_with_own_work_costs_the_workload_hours():
    # 30 chats a day × 29.4 days = 882 chats × 10 min / 1.7 at once / 60 = 86.47 h a month;
    # × €2,400 / 168 h = €1,235.29. Nobody is hired: no one-time recruitment.
    in_house = InHouse(**WHITEPAPER, one_time=5000)
    cost = in_house_cost(in_house=in_house, workload=chat_desk(882), months=12)

    assert q2(chat_desk(882).workload_hours_per_month) == Decimal("86.47")
    assert q2(cost.combined.monthly) == Decimal("1235.29")
    assert cost.combined.one_time == 0
    assert q2(cost.combined.tco) == Decimal("14823.53")  # 12 × 1,235.294…
    assert cost.combined.fte == Decimal("0.51")  # 86.47 / 168
    # The dedicated desk beside it: 2.30 chats an hour at 353 s need 1 seat → 2.45 FTE.
    assert cost.dedicated.fte == Decimal("2.45")
    assert q2(cost.dedicated.tco) == Decimal("75560.00")  # 12 × 5,880 + 5,000 recruitment
    # The recommendation uses the dedicated desk unless the baseline says combined.
    assert cost.tco == cost.dedicated.tco

    chosen = in_house_cost(
        in_house=InHouse(**WHITEPAPER, one_time=5000, live_staffing="combined"),
        workload=chat_desk(882),
        months=12,
    )
    assert q2(chosen.monthly) == Decimal("1235.29")
    assert chosen.one_time == 0
    assert chosen.live_staffing == "combined"


def test_the_phone_check_is_five_fte():
    # 6,000 calls × 4 min, 09:00–17:00 on 5 days, 80/20: 5 seats every hour → 8 × 5 × 5
    # × 4.2 = 840 seat hours / 168 = 5.00 FTE (the workload alone, 400 h, would say 2.38).
    phone = Workload(
        volume_per_month=6000,
        aht_minutes=4,
        open_hours=OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5),
    )
    cost = in_house_cost(in_house=InHouse(**WHITEPAPER), workload=phone, months=12)

    assert phone.staffing.seat_hours_per_month == 840
    assert cost.fte == Decimal("5.00")
    assert cost.monthly == 5 * 2400


def test_a_40_hour_desk_is_one_fte_not_two():
    # 8 h × 5 days with one seat = 40 h a week × 4.2 = 168 seat hours = 1.00 FTE.
    desk = Workload(
        volume_per_month=10,
        aht_minutes=4,
        open_hours=OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5),
    )
    cost = in_house_cost(in_house=InHouse(**WHITEPAPER), workload=desk, months=12)

    assert desk.staffing.seat_hours_per_month == 168
    assert cost.fte == Decimal("1.00")


def test_shrinkage_and_a_shorter_week_raise_the_paid_hours():
    # 411.6 seat hours / (1 − 0.30) = 588 paid hours / 168 = 3.50 FTE.
    shrunk = in_house_cost(
        in_house=InHouse(**WHITEPAPER, shrinkage_pct=30), workload=chat_desk(10), months=1
    )
    assert shrunk.fte == Decimal("3.50")
    # 36 h a week × 4.2 = 151.2 paid hours: 411.6 / 151.2 = 2.7222… → 2.72 FTE.
    part_time = in_house_cost(
        in_house=InHouse(**WHITEPAPER, hours_per_week=36), workload=chat_desk(10), months=1
    )
    assert part_time.fte == Decimal("2.72")
    assert part_time.monthly == Decimal("2.72") * 2400  # the cost uses the FTE as shown


def test_email_stays_whole_people_beside_a_live_desk():
    # The cost article: 500 × 10 min = 83.33 h → ceil(0.52) = 1 person, shrinkage or not;
    # beside the chat trickle's 2.45 FTE: 3.45 FTE.
    email = Workload(volume_per_month=500, aht_minutes=10)
    in_house = InHouse(**WHITEPAPER, shrinkage_pct=30)

    assert in_house_cost(in_house=in_house, workload=email, months=1).fte == 1
    assert in_house_cost(in_house=in_house, workload=email, months=1).combined is None
    scope = Scope((email, chat_desk(10)))
    assert in_house_cost(in_house=InHouse(**WHITEPAPER), workload=scope, months=1).fte == Decimal(
        "3.45"
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"shrinkage_pct": 61}, "in_house.shrinkage_pct"),
        ({"shrinkage_pct": -1}, "in_house.shrinkage_pct"),
        ({"hours_per_week": 0}, "in_house.hours_per_week"),
        ({"hours_per_week": 169}, "in_house.hours_per_week"),
        ({"live_staffing": "outsourced"}, "in_house.live_staffing"),
    ],
)
def test_bad_in_house_staffing_names_the_field(fields, field):
    with pytest.raises(EngineInputError) as error:
        InHouse(**fields)
    assert error.value.field == field


# --- break-even (docs/domain.md §2) ----------------------------------------------------------------

COST_ARTICLE = Workload(volume_per_month=500, aht_minutes=10)  # 83.33 h, 1 FTE in-house
IN_HOUSE = InHouse(gross_salary_month=2500, employer_costs_pct=35)  # €3,375 a month


def nearshore(exit_fee) -> VendorOffer:
    # €18 × 83.33 h = €1,500 a month; €2,000 onboarding in month 1; the exit fee last.
    return VendorOffer(
        pricing_model="hourly", hourly_rate=18, onboarding_fee=2000, exit_fee=exit_fee
    )


def test_break_even_in_month_2_holds_to_the_end():
    # Month 1: 3,500 > 3,375; month 2: 5,000 ≤ 6,750 … month 12: 20,000 ≤ 40,500.
    result = estimate(workload=COST_ARTICLE, in_house=IN_HOUSE, offer=nearshore(0), months=12)
    assert result.break_even_month == 2


def test_an_exit_fee_that_undoes_the_savings_undoes_the_break_even():
    # Month 11: 11 × 1,500 + 2,000 = 18,500 ≤ 37,125; month 12: 18,000 + 2,000 + 22,000 =
    # 42,000 > 40,500: savings −1,500, and no month from which outsourcing stays cheaper.
    result = estimate(workload=COST_ARTICLE, in_house=IN_HOUSE, offer=nearshore(22000), months=12)

    assert q2(result.savings) == Decimal("-1500.00")
    assert result.cumulative[10].outsourced <= result.cumulative[10].in_house
    assert result.break_even_month is None
    assert result.as_dict()["break_even_month"] is None


def test_an_exit_fee_within_the_savings_keeps_the_break_even():
    # Exit fee 20,000: month 12 is 40,000 ≤ 40,500, so month 2 still holds to the end.
    result = estimate(workload=COST_ARTICLE, in_house=IN_HOUSE, offer=nearshore(20000), months=12)
    assert q2(result.savings) == Decimal("500.00")
    assert result.break_even_month == 2


# --- sizes beyond the engine's cap (issue 20 item 7) ------------------------------------------


def test_a_live_queue_beyond_the_cap_names_the_volume_and_how_to_split_it():
    # 10 million calls a month, 09–17 on 5 days: 59,524 calls an hour × 4 min = 3,968
    # Erlangs; 100 million → 39,683 Erlangs: more than 10,000 seats in an hour.
    huge = Workload(
        volume_per_month=100_000_000,
        aht_minutes=4,
        open_hours=OpenHours(channel="phone", open_hours_per_day=8, open_days_per_week=5),
    )
    with pytest.raises(EngineInputError) as error:
        huge.staffing  # noqa: B018

    assert error.value.field == "volume_per_month"
    assert "10000" in error.value.message
    assert "split" in error.value.message
