"""docs/domain.md §5 in the pure KPI module."""

from datetime import date
from decimal import Decimal

import pytest

from kpis import rules as kpis
from kpis.rules import KpiTotals, evaluate
from pilots.models import Pilot

TARGETS = {
    "csat_pct": Decimal("85"),
    "frt_minutes": Decimal("60"),
    "aht_minutes": Decimal("10"),
    "fcr_pct": Decimal("70"),
    "cost_per_ticket": Decimal("3.33"),
}


def totals(**overrides) -> KpiTotals:
    base = {
        "days_with_entry": 60,
        "tickets": 1000,
        "csat_responses": 500,
        "csat_positive": 450,
        "frt_weighted": Decimal(30 * 1000),
        "aht_weighted": Decimal(9 * 1000),
        "fcr_resolved": 800,
        "cost": Decimal("3000"),
        "qa_sampled": 60,
    }
    return KpiTotals(**{**base, **overrides})


def test_csat_is_pooled_not_a_mean_of_daily_values():
    day1 = KpiTotals(days_with_entry=1, tickets=10, csat_responses=10, csat_positive=9)
    day2 = KpiTotals(days_with_entry=1, tickets=100, csat_responses=100, csat_positive=80)
    pooled = (day1 + day2).pooled()["csat_pct"]
    assert kpis.s2(pooled) == "80.91"  # not 85.00


def test_weighted_minutes_and_cost_per_ticket():
    window = KpiTotals(
        tickets=40,
        frt_weighted=Decimal(10 * 30 + 50 * 10),
        aht_weighted=Decimal(400),
        cost=Decimal("100"),
    )
    pooled = window.pooled()
    assert pooled["frt_minutes"] == Decimal(20)
    assert pooled["aht_minutes"] == Decimal(10)
    assert pooled["cost_per_ticket"] == Decimal("2.5")


def test_a_kpi_with_a_zero_denominator_has_no_value_and_is_not_met():
    result = evaluate(
        totals=KpiTotals(days_with_entry=60), targets=TARGETS, window_days=60, decision=True
    )
    assert all(r.value is None and not r.met for r in result.kpis.values())
    assert result.verdict == "stop"


def test_wilson_interval_of_85_percent_on_50_responses():
    # docs/domain.md §5's published figure uses p = 0.85 exactly (42.5 of 50).
    low, high = kpis.wilson_interval(successes=Decimal("42.5"), trials=50)
    assert (kpis.q2(low), kpis.q2(high)) == (Decimal("72.64"), Decimal("92.36"))


def test_met_but_not_reliable_when_the_interval_reaches_below_target():
    window = totals(csat_responses=20, csat_positive=18)  # 90% on 20 responses
    result = evaluate(totals=window, targets=TARGETS, window_days=60, decision=True)
    csat = result.kpis["csat_pct"]
    assert csat.met and csat.reliable is False
    big = evaluate(
        totals=totals(csat_responses=5000, csat_positive=4600),
        targets=TARGETS,
        window_days=60,
        decision=True,
    )
    assert big.kpis["csat_pct"].reliable is True


@pytest.mark.parametrize(
    ("overrides", "met", "verdict"),
    [
        ({}, 5, "scale_up"),
        ({"csat_positive": 400}, 4, "scale_up"),  # CSAT 80% misses
        ({"csat_positive": 400, "fcr_resolved": 600}, 3, "stop"),
        ({"days_with_entry": 47}, 5, "insufficient_data"),  # 78.33% coverage
    ],
)
def test_verdicts(overrides, met, verdict):
    result = evaluate(totals=totals(**overrides), targets=TARGETS, window_days=60, decision=True)
    assert result.met_count == met
    assert result.verdict == verdict


def test_79_percent_coverage_is_insufficient_and_80_is_enough():
    at_79 = evaluate(
        totals=totals(days_with_entry=79), targets=TARGETS, window_days=100, decision=True
    )
    at_80 = evaluate(
        totals=totals(days_with_entry=80), targets=TARGETS, window_days=100, decision=True
    )
    assert at_79.verdict == "insufficient_data"
    assert at_80.verdict == "scale_up"


def test_a_stop_names_each_missed_kpi_with_its_gap_and_remedy():
    window = totals(csat_positive=400, fcr_resolved=600, frt_weighted=Decimal(75 * 1000))
    result = evaluate(totals=window, targets=TARGETS, window_days=60, decision=True)
    assert result.verdict == "stop"
    assert result.missed == [
        {"kpi": "csat_pct", "gap": "5.00", "remedy": "training_and_knowledge_base"},
        {"kpi": "frt_minutes", "gap": "15.00", "remedy": "staffing_at_peak_hours"},
        {"kpi": "fcr_pct", "gap": "10.00", "remedy": "training_and_knowledge_base"},
    ]


def test_targets_are_compared_at_full_precision():
    # 2997/900 = 3.33 rounded, but 3.3300…01 > 3.33: not met.
    window = totals(tickets=900, fcr_resolved=700, cost=Decimal("2997.0000001"))
    result = evaluate(totals=window, targets=TARGETS, window_days=60, decision=False)
    assert kpis.s2(result.kpis["cost_per_ticket"].value) == "3.33"
    assert result.kpis["cost_per_ticket"].met is False


def test_other_checkpoints_carry_no_verdict():
    assert (
        evaluate(totals=totals(), targets=TARGETS, window_days=30, decision=False).verdict is None
    )


@pytest.mark.parametrize(
    ("length", "checkpoints", "decision"),
    [
        (30, [30], 30),
        (45, [30, 45], 45),
        (60, [30, 60], 60),
        (75, [30, 60], 60),
        (90, [30, 60, 90], 60),
    ],
)
def test_checkpoints_that_fit_and_the_decision_day(length, checkpoints, decision):
    assert kpis.checkpoint_days(length) == checkpoints
    assert kpis.decision_checkpoint_day(length) == decision


def test_a_checkpoint_is_due_once_its_day_is_over():
    start = date(2026, 1, 1)
    pilot = Pilot(start_date=start, length_days=90)
    assert pilot.date_of_day(60) == date(2026, 3, 1) and pilot.end_date == date(2026, 3, 31)
    assert not kpis.checkpoint_is_due(start, 60, date(2026, 3, 1))
    assert kpis.checkpoint_is_due(start, 60, date(2026, 3, 2))
    assert kpis.due_checkpoints(start, 90, date(2026, 3, 2)) == [30, 60]
    assert pilot.day_number(date(2026, 1, 1)) == 1 and pilot.day_on(date(2025, 12, 31)) == 0
    assert pilot.day_on(date(2026, 5, 1)) == 90 and pilot.status_on(date(2025, 12, 31)) == "planned"
