"""DOMAIN.md §6 by hand: the months of a contract, standings and service credits (pure)."""

from datetime import date
from decimal import Decimal

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
    period_of,
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


def test_the_31st_plus_a_month_is_the_last_day_of_february():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    # A one-month contract from 31 January ends on 27 February: 28 days.
    periods = contract_periods(date(2027, 1, 31), 1)
    assert [(p.date_from, p.date_to) for p in periods] == [
        (date(2027, 1, 31), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 27)),
    ]


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


def test_period_of_finds_the_contracts_days_in_a_month():
    start = date(2027, 1, 17)
    assert period_of(start, 3, date(2027, 1, 20)) == Period(
        date(2027, 1, 1), date(2027, 1, 17), date(2027, 1, 31)
    )
    assert period_of(start, 3, date(2026, 12, 31)) is None
    assert period_of(start, 3, date(2027, 5, 1)) is None


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


def test_credit_is_the_percentage_per_missed_kpi_of_the_months_cost():
    # 3 of 5 met → 2 missed × 5% = 10% of € 10,000.00 = € 1,000.00.
    credit = service_credit(
        met_count=3,
        cost=Decimal("10000.00"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("15"),
    )
    assert credit == Decimal("1000.00")


def test_credit_stops_at_the_cap():
    # 4 missed × 5% = 20%, capped at 8% → € 800.00 of € 10,000.00.
    credit = service_credit(
        met_count=1,
        cost=Decimal("10000.00"),
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("8"),
    )
    assert credit == Decimal("800.00")


def test_credit_keeps_full_precision_until_output():
    # 1 missed × 2.5% of € 333.33 = € 8.33325 (cents only when shown).
    credit = service_credit(
        met_count=4,
        cost=Decimal("333.33"),
        credit_pct_per_missed_kpi=Decimal("2.5"),
        credit_cap_pct=Decimal("10"),
    )
    assert credit == Decimal("8.33325")


def test_default_credit_terms_credit_nothing():
    assert service_credit(
        met_count=0, cost=Decimal("5000"), credit_pct_per_missed_kpi=0, credit_cap_pct=0
    ) == Decimal(0)


def test_a_month_without_data_is_poor_with_every_kpi_missed_and_no_cost_to_credit():
    result = evaluate_period(
        totals=KpiTotals(),
        targets=TARGETS,
        days=31,
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("20"),
    )
    assert result.met_count == 0
    assert result.data_coverage_pct == 0
    assert result.standing == POOR
    assert result.credit == 0


def test_a_kpi_without_data_counts_as_missed_in_the_credit():
    # 28 of 28 days entered, € 2,800 over 1,000 tickets (€ 2.80 ≤ 3.33), FRT 30, AHT 9,
    # FCR 80% — but no CSAT survey answered: CSAT has no value and is missed.
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
    result = evaluate_period(
        totals=totals,
        targets=TARGETS,
        days=28,
        credit_pct_per_missed_kpi=Decimal("4"),
        credit_cap_pct=Decimal("10"),
    )
    assert result.kpis["csat_pct"].value is None
    assert result.met_count == 4
    assert result.standing == GOOD
    # 1 missed × 4% of € 2,800.00 = € 112.00.
    assert result.credit == Decimal("112.00")


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
        days=january.days,
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
