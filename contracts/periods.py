"""The contract's monthly periods and their judgement (DOMAIN.md §6), pure: no ORM.

Every calendar month inside the contract is a period; the first and the last may be cut by
the start and end dates. A period is due once its last day is over. Its KPIs are pooled as
in a pilot (the one arithmetic of `kpis.rules`), its coverage counts the contract's days in
that month, and the service credit is computed at full precision (cents only at output).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpis import rules as kpis
from kpis.rules import KpiTotals

GOOD = "good"
WATCH = "watch"
POOR = "poor"
MIN_COVERAGE_PCT = Decimal("80")  # DOMAIN.md §6: a standing needs ≥ 80% of the days
POOR_MONTHS_FOR_EXIT_REVIEW = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contract_end_date(start_date: date, months: int) -> date:
    """The last day of the term: the day before the same date `months` later."""
    return add_months(start_date, months) - timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    """One calendar month of a contract: `month` is its first day; `date_from`..`date_to`
    are the contract's days in it."""

    month: date
    date_from: date
    date_to: date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def label(self) -> str:
        """API.md: "2027-01"."""
        return f"{self.month:%Y-%m}"

    def is_due(self, as_of: date) -> bool:
        """Due once the period is over: its last day has passed."""
        return as_of > self.date_to


def contract_periods(start_date: date, months: int) -> list[Period]:
    """Every calendar month the contract touches, oldest first."""
    end = contract_end_date(start_date, months)
    periods, first = [], month_start(start_date)
    while first <= end:
        periods.append(Period(first, max(first, start_date), min(month_end(first), end)))
        first = add_months(first, 1)
    return periods


def period_of(start_date: date, months: int, month: date) -> Period | None:
    """The contract's period for the calendar month of `month`, or None outside the term."""
    first = month_start(month)
    end = contract_end_date(start_date, months)
    if first > end or month_end(first) < start_date:
        return None
    return Period(first, max(first, start_date), min(month_end(first), end))


def due_periods(start_date: date, months: int, as_of: date) -> list[Period]:
    return [p for p in contract_periods(start_date, months) if p.is_due(as_of)]


def standing(*, met_count: int, data_coverage_pct: Decimal) -> str:
    """DOMAIN.md §6: good at ≥ 4 met, watch at 3 met, both with coverage ≥ 80%; else poor
    (a vendor that does not report is not meeting its contract)."""
    if data_coverage_pct >= MIN_COVERAGE_PCT:
        if met_count >= 4:
            return GOOD
        if met_count == 3:
            return WATCH
    return POOR


def service_credit(
    *, met_count: int, cost: Decimal, credit_pct_per_missed_kpi: Decimal, credit_cap_pct: Decimal
) -> Decimal:
    """DOMAIN.md §6: min(cap, pct × missed) / 100 × the month's Σcost, missed = 5 − met
    (a KPI without data is missed). Full precision; round to cents at output."""
    missed = len(kpis.KPI_KEYS) - met_count
    pct = min(Decimal(credit_cap_pct), Decimal(credit_pct_per_missed_kpi) * missed)
    return pct / 100 * Decimal(cost)


def credit_steps(result: kpis.Evaluation) -> int:
    """DOMAIN.md §6: how many times `credit_pct_per_missed_kpi` applies — each core KPI
    missed (5 − met; a KPI without data is missed), and each must-meet KPI missed once more
    (core or extra). The cap still bounds the total."""
    return result.missed_core + len(result.missed_must_meet)


@dataclass(frozen=True)
class PeriodResult:
    kpis: dict[str, kpis.KpiResult]
    met_count: int
    data_coverage_pct: Decimal
    standing: str
    cost: Decimal
    credit: Decimal


def evaluate_period(
    *,
    totals: KpiTotals,
    targets: dict[str, Decimal],
    days: int,
    credit_pct_per_missed_kpi: Decimal,
    credit_cap_pct: Decimal,
    must_meet: Iterable[str] = (),
) -> PeriodResult:
    """Judge one month: the pilot's pooled arithmetic over the contract's days in it (the
    five and the tracked extras of `targets`)."""
    result = kpis.evaluate(
        totals=totals, targets=targets, window_days=days, decision=False, must_meet=must_meet
    )
    return PeriodResult(
        kpis=result.kpis,
        met_count=result.met_count,
        data_coverage_pct=result.data_coverage_pct,
        standing=standing(met_count=result.met_count, data_coverage_pct=result.data_coverage_pct),
        cost=totals.cost,
        credit=service_credit(
            # The credit counts steps, not KPIs met: a missed must-meet adds one (credit_steps).
            met_count=len(kpis.KPI_KEYS) - credit_steps(result),
            cost=totals.cost,
            credit_pct_per_missed_kpi=credit_pct_per_missed_kpi,
            credit_cap_pct=credit_cap_pct,
        ),
    )


def poor_run_start(standings: list[tuple[date, str]]) -> date | None:
    """Given the closed months oldest first, the first month of the trailing run of poor
    months when that run is at least three long (DOMAIN.md §6: the exit clauses), else None."""
    run: list[date] = []
    for month, value in standings:
        run = [*run, month] if value == POOR else []
    return run[0] if len(run) >= POOR_MONTHS_FOR_EXIT_REVIEW else None
