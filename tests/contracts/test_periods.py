"""docs/domain.md §6 by hand: the term and periods of a contract (a short first or last month joins
its neighbour), standings and service credits on the agreed monthly charge (pure)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from contracts.periods import (
    GOOD,
    POOR,
    WATCH,
    Period,
    add_months,
    contract_end_date,
    contract_periods,
    due_periods,
    evaluate_period,
    poor_run_start,
    service_credit,
    standing,
)
from kpis.rules import KpiTotals

TARGETS = {
    "csat_pct": Decimal("85"),
    "frt_minutes": Decimal("60"),
    "aht_minutes": Decimal("10"),
    "fcr_pct": Decimal("70"),
    "cost_per_ticket": Decimal("3.33"),
}


def test_a_contract_starting_on_the_17th_cuts_its_first_and_last_month():
    periods = contract_periods(date(2027, 1, 17), 3)
    assert contract_end_date(date(2027, 1, 17), 3) == date(2027, 4, 16)
    assert [(p.date_from, p.date_to, p.days) for p in periods] == [
        (date(2027, 1, 17), date(2027, 1, 31), 15),
        (date(2027, 2, 1), date(2027, 2, 28), 28),
        (date(2027, 3, 1), date(2027, 3, 31), 31),
        (date(2027, 4, 1), date(2027, 4, 16), 16),
    ]
    assert [p.label for p in periods] == ["2027-01", "2027-02", "2027-03", "2027-04"]


def test_february_has_28_days_and_29_in_a_leap_year():
    assert contract_periods(date(2027, 2, 1), 1) == [
        Period(date(2027, 2, 1), date(2027, 2, 1), date(2027, 2, 28))
    ]
    (leap,) = contract_periods(date(2028, 2, 1), 1)
    assert leap.days == 29


def test_a_contract_from_the_first_of_a_month_has_whole_months():
    periods = contract_periods(date(2027, 1, 1), 12)
    assert len(periods) == 12
    assert periods[-1] == Period(date(2027, 12, 1), date(2027, 12, 1), date(2027, 12, 31))


def test_the_anniversary_of_the_31st_is_the_1st_of_the_next_month_when_the_day_is_missing():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 3, 1)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 3, 1)  # no 30 February
    assert add_months(date(2027, 11, 29), 3) == date(2028, 2, 29)  # 2028 is a leap year
    assert add_months(date(2027, 1, 17), 12) == date(2028, 1, 17)
    # A one-month contract from 31 January 2027 runs to 28 February inclusive (29 days),
    # not to 27 February.
    assert contract_end_date(date(2027, 1, 31), 1) == date(2027, 2, 28)
    # Its 1-day January joins February's period: one period of 29 days.
    assert contract_periods(date(2027, 1, 31), 1) == [
        Period(date(2027, 2, 1), date(2027, 1, 31), date(2027, 2, 28))
    ]


def test_a_first_month_shorter_than_10_days_joins_the_next_period():
    # From 28 January for 3 months (to 27 April): 4 January days join February.
    periods = contract_periods(date(2027, 1, 28), 3)
    assert [(p.label, p.date_from, p.date_to, p.days) for p in periods] == [
        ("2027-02", date(2027, 1, 28), date(2027, 2, 28), 32),
        ("2027-03", date(2027, 3, 1), date(2027, 3, 31), 31),
        ("2027-04", date(2027, 4, 1), date(2027, 4, 27), 27),
    ]


def test_a_last_month_shorter_than_10_days_joins_the_previous_period():
    # From 5 January for 2 months: to 4 March; 4 March days join February.
    periods = contract_periods(date(2027, 1, 5), 2)
    assert [(p.label, p.date_from, p.date_to) for p in periods] == [
        ("2027-01", date(2027, 1, 5), date(2027, 1, 31)),
        ("2027-03", date(2027, 2, 1), date(2027, 3, 4)),
    ]


def test_ten_days_make_a_period_of_their_own():
    # From 22 January: 10 January days (22–31) stay a period.
    (first, *_rest) = contract_periods(date(2027, 1, 22), 3)
    assert (first.date_from, first.date_to, first.days) == (
        date(2027, 1, 22),
        date(2027, 1, 31),
        10,
    )


def test_a_joined_period_is_worth_its_calendar_months_pro_rata():
    (first, *_rest) = contract_periods(date(2027, 1, 28), 3)
    assert first.calendar_months == [(date(2027, 1, 1), 4, 31), (date(2027, 2, 1), 28, 28)]
    assert first.month_share == Fraction(35, 31)
    (half, *_rest) = contract_periods(date(2027, 1, 17), 3)
    assert half.month_share == Fraction(15, 31)


def test_a_month_is_due_once_its_last_day_is_over():
    start = date(2027, 1, 17)
    assert due_periods(start, 3, date(2027, 1, 31)) == []
    assert [p.label for p in due_periods(start, 3, date(2027, 2, 1))] == ["2027-01"]
    assert [p.label for p in due_periods(start, 3, date(2027, 3, 1))] == ["2027-01", "2027-02"]
    # The last month, cut by the end date (16 April), is over on 17 April.
    assert len(due_periods(start, 3, date(2027, 4, 16))) == 3
    assert len(due_periods(start, 3, date(2027, 4, 17))) == 4
    # Years later: every month, none twice.
    assert len(due_periods(start, 3, date(2030, 1, 1))) == 4
    # A joined first period is due once its February part is over.
    assert due_periods(date(2027, 1, 28), 3, date(2027, 2, 1)) == []
    assert len(due_periods(date(2027, 1, 28), 3, date(2027, 3, 1))) == 1


@pytest.mark.parametrize(
    ("met", "coverage", "expected"),
    [
        (5, "100", GOOD),
        (4, "80", GOOD),
        (4, "79.99", POOR),  # a vendor that does not report is not meeting its contract
        (3, "80", WATCH),
        (3, "100", WATCH),
        (3, "79.99", POOR),
        (2, "100", POOR),
        (0, "0", POOR),
    ],
)
def test_standing(met, coverage, expected):
    assert standing(met_count=met, data_coverage_pct=Decimal(coverage)) == expected


def credit(*, met: int, charge: str, share: Decimal = Decimal(1), pct: str, cap: str) -> Decimal:
    return service_credit(
        missed_steps=5 - met,  # missed = 5 − met (credit_steps of a period without must-meets)
        monthly_charge=Decimal(charge),
        month_share=share,
        credit_pct_per_missed_kpi=Decimal(pct),
        credit_cap_pct=Decimal(cap),
    )


def test_credit_is_the_percentage_per_missed_kpi_of_the_monthly_charge():
    # 3 of 5 met → 2 missed × 5% = 10% of the € 10,000.00 charge = € 1,000.00.
    assert credit(met=3, charge="10000.00", pct="5", cap="15") == Decimal("1000.00")


def test_credit_stops_at_the_cap():
    # 4 missed × 5% = 20%, capped at 8% → € 800.00 of € 10,000.00.
    assert credit(met=1, charge="10000.00", pct="5", cap="8") == Decimal("800.00")


def test_credit_keeps_full_precision_until_output():
    # 1 missed × 2.5% of € 333.33 = € 8.33325 (cents only when shown).
    assert credit(met=4, charge="333.33", pct="2.5", cap="10") == Decimal("8.33325")


def test_default_credit_terms_credit_nothing():
    assert credit(met=0, charge="5000", pct="0", cap="0") == Decimal(0)


def test_the_number_of_credit_steps_is_one_input():
    # 5 − 3 met = 2 steps; one more step (e.g. a must-meet KPI missed) is 3 × 5% = 15%.
    assert service_credit(
        missed_steps=3,
        monthly_charge=Decimal("1000"),
        month_share=Decimal(1),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    ) == Decimal("150")


def test_a_month_without_data_is_poor_and_credited_at_the_cap_of_the_charge():
    # 31 days, no entry: 0 met, 5 missed × 5% = 25% → cap 20% of € 4,000.00 = € 800.00,
    # although the vendor reported no cost at all.
    (march,) = [p for p in contract_periods(date(2027, 1, 1), 12) if p.label == "2027-03"]
    result = evaluate_period(
        totals=KpiTotals(),
        targets=TARGETS,
        period=march,
        monthly_charge=Decimal("4000.00"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    )
    assert result.met_count == 0
    assert result.data_coverage_pct == 0
    assert result.standing == POOR
    assert result.cost == 0
    assert result.credit == Decimal("800.00")


def test_a_kpi_without_data_counts_as_missed_in_the_credit():
    # 28 of 28 February days entered, € 2,800 over 1,000 tickets (€ 2.80 ≤ 3.33), FRT 30,
    # AHT 9, FCR 80% — but no CSAT survey answered: CSAT has no value and is missed.
    totals = KpiTotals(
        days_with_entry=28,
        tickets=1000,
        csat_responses=0,
        csat_positive=0,
        frt_weighted=Decimal(30 * 1000),
        aht_weighted=Decimal(9 * 1000),
        fcr_resolved=800,
        cost=Decimal("2800.00"),
    )
    (february,) = [p for p in contract_periods(date(2027, 1, 1), 12) if p.label == "2027-02"]
    result = evaluate_period(
        totals=totals,
        targets=TARGETS,
        period=february,
        monthly_charge=Decimal("3000.00"),
        credit_pct_per_missed_kpi=Decimal("4"),
        credit_cap_pct=Decimal("10"),
    )
    assert result.kpis["csat_pct"].value is None
    assert result.met_count == 4
    assert result.standing == GOOD
    # 1 missed × 4% of the € 3,000.00 charge (not of the € 2,800 reported) = € 120.00.
    assert result.credit == Decimal("120.00")


def test_a_cut_or_joined_period_is_credited_pro_rata():
    # From 28 January, monthly charge € 3,100, 5% a missed KPI, cap 20%; no data: 20%.
    # Joined first period: 4/31 of January + all of February = 1 + 4/31 months
    # → 20% × € 3,100 × (1 + 4/31) = € 620 + € 80 = € 700.00.
    (first, *_rest) = contract_periods(date(2027, 1, 28), 3)
    result = evaluate_period(
        totals=KpiTotals(),
        targets=TARGETS,
        period=first,
        monthly_charge=Decimal("3100"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    )
    assert result.credit == Decimal("700.00")
    # From 17 January: 15 of January's 31 days → 20% × € 3,100 × 15/31 = € 300.00.
    (cut, *_rest) = contract_periods(date(2027, 1, 17), 3)
    result = evaluate_period(
        totals=KpiTotals(),
        targets=TARGETS,
        period=cut,
        monthly_charge=Decimal("3100"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    )
    assert result.credit == Decimal("300.00")


def test_coverage_counts_the_contracts_days_in_the_month():
    # A contract from 17 January: 12 entries over its 15 January days = 80% → good.
    totals = KpiTotals(
        days_with_entry=12,
        tickets=240,
        csat_responses=120,
        csat_positive=108,
        frt_weighted=Decimal(30 * 240),
        aht_weighted=Decimal(9 * 240),
        fcr_resolved=192,
        cost=Decimal("720.00"),
    )
    (january, *_rest) = contract_periods(date(2027, 1, 17), 3)
    result = evaluate_period(
        totals=totals,
        targets=TARGETS,
        period=january,
        monthly_charge=Decimal("1000"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    )
    assert result.data_coverage_pct == Decimal(80)
    assert result.met_count == 5
    assert result.standing == GOOD
    assert result.credit == 0


def test_three_poor_months_in_a_row_start_an_exit_review_run():
    months = [date(2027, m, 1) for m in range(1, 7)]
    assert poor_run_start(list(zip(months[:2], [POOR, POOR], strict=True))) is None
    assert poor_run_start(list(zip(months[:3], [POOR, POOR, POOR], strict=True))) == months[0]
    # A fourth poor month continues the same run: the same cause, no second alert.
    assert poor_run_start(list(zip(months[:4], [POOR] * 4, strict=True))) == months[0]
    # Broken by a watch month: the run starts again.
    run = [POOR, POOR, WATCH, POOR, POOR, POOR]
    assert poor_run_start(list(zip(months, run, strict=True))) == months[3]
    assert poor_run_start(list(zip(months[:5], run[:5], strict=True))) is None
