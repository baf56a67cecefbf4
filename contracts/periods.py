"""The contract's periods and their judgement (docs/domain.md §6), pure: no ORM.

Term: from `start_date` to the day before the anniversary `months` later; the anniversary is
the same day of the month, or the first of the next month when that month is shorter (a
one-month contract from 31 January 2027 runs to 28 February 2027 inclusive).

Every calendar month inside the contract is a period, due once it is over; a first or last
month with fewer than `MIN_PERIOD_DAYS` contract days joins the neighbouring month's period
(a contract from 28 January has its first period 28 January – 28 February). A period is
named by its last calendar month. Its KPIs are pooled as in a pilot (the one arithmetic of
`kpis.rules`), its coverage counts the contract's days in it, and the service credit is a
share of the agreed `monthly_charge`, pro rata over the calendar months it covers. Full
precision inside; cents only at output.
"""

from __future__ import annotations

import calendar
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from kpis import rules as kpis
from kpis.rules import KpiTotals

GOOD = "good"
WATCH = "watch"
POOR = "poor"
MIN_COVERAGE_PCT = Decimal("80")  # docs/domain.md §6: a standing needs ≥ 80% of the days
POOR_MONTHS_FOR_EXIT_REVIEW = 3
MIN_PERIOD_DAYS = 10  # docs/domain.md §6: a shorter first or last month joins its neighbour


def add_months(day: date, months: int) -> date:
    """The anniversary `months` later: the same day of the month, or the first of the next
    month when that month is shorter (31 January + 1 → 1 March; docs/domain.md §6)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day.day)
    return month_end(date(year, month, 1)) + timedelta(days=1)


def contract_end_date(start_date: date, months: int) -> date:
    """The last day of the term: the day before the anniversary `months` later."""
    return add_months(start_date, months) - timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(first: date) -> date:
    return month_end(first) + timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """One period of a contract: the contract's days `date_from`..`date_to`, in one calendar
    month or in two (a short first or last month joined to its neighbour). `month` is the
    first day of its last calendar month (its name, docs/api.md "month": "2027-02")."""

    month: date
    date_from: date
    date_to: date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def label(self) -> str:
        """docs/api.md: "2027-01"."""
        return f"{self.month:%Y-%m}"

    @property
    def calendar_months(self) -> list[tuple[date, int, int]]:
        """(first day, the contract's days in that month within the period, days in the
        month) for each calendar month of the period, oldest first."""
        result, first = [], month_start(self.date_from)
        while first <= self.date_to:
            last = month_end(first)
            inside = (min(last, self.date_to) - max(first, self.date_from)).days + 1
            result.append((first, inside, last.day))
            first = next_month(first)
        return result

    @property
    def month_share(self) -> Fraction:
        """Σ over its calendar months of (contract days in that month / days in that month):
        how many months of `monthly_charge` the period is worth (docs/domain.md §6, pro rata).
        Exact: 4/31 has no finite decimal."""
        return sum(
            (Fraction(inside, length) for _f, inside, length in self.calendar_months),
            Fraction(0),
        )

    def is_due(self, as_of: date) -> bool:
        """Due once the period is over: its last day has passed."""
        return as_of > self.date_to


def contract_periods(start_date: date, months: int) -> list[Period]:
    """Every period of the contract, oldest first: a calendar month each, a first or last
    month shorter than MIN_PERIOD_DAYS joined to its neighbour."""
    end = contract_end_date(start_date, months)
    spans: list[tuple[date, date]] = []
    first = month_start(start_date)
    while first <= end:
        spans.append((max(first, start_date), min(month_end(first), end)))
        first = next_month(first)

    def days(span: tuple[date, date]) -> int:
        return (span[1] - span[0]).days + 1

    if len(spans) > 1 and days(spans[0]) < MIN_PERIOD_DAYS:
        spans[0:2] = [(spans[0][0], spans[1][1])]
    if len(spans) > 1 and days(spans[-1]) < MIN_PERIOD_DAYS:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    return [Period(month_start(to), since, to) for since, to in spans]


def due_periods(start_date: date, months: int, as_of: date) -> list[Period]:
    return [p for p in contract_periods(start_date, months) if p.is_due(as_of)]


def totals_sum(parts: list[KpiTotals]) -> KpiTotals:
    """Sums of several windows (a period's calendar months) as one window."""
    return functools.reduce(operator.add, parts) if parts else KpiTotals()


def standing(*, met_count: int, data_coverage_pct: Decimal) -> str:
    """docs/domain.md §6: good at ≥ 4 met, watch at 3 met, both with coverage ≥ 80%; else poor
    (a vendor that does not report is not meeting its contract)."""
    if data_coverage_pct >= MIN_COVERAGE_PCT:
        if met_count >= 4:
            return GOOD
        if met_count == 3:
            return WATCH
    return POOR


def service_credit(
    *,
    missed_steps: int,
    monthly_charge: Decimal,
    month_share: Fraction | Decimal,
    credit_pct_per_missed_kpi: Decimal,
    credit_cap_pct: Decimal,
) -> Decimal:
    """docs/domain.md §6: `min(cap, pct × steps) / 100 × monthly_charge × month_share`. The base is
    the agreed charge, never the vendor's own reported cost. `missed_steps` is the one input
    saying how many credit steps the period earned (`credit_steps`). Full precision; round
    to cents at output."""
    pct = min(Decimal(credit_cap_pct), Decimal(credit_pct_per_missed_kpi) * missed_steps)
    exact = Fraction(pct) / 100 * Fraction(Decimal(monthly_charge)) * Fraction(month_share)
    return Decimal(exact.numerator) / Decimal(exact.denominator)


def credit_steps(result: kpis.Evaluation) -> int:
    """docs/domain.md §6: how many times `credit_pct_per_missed_kpi` applies — each core KPI
    missed (5 − met; a KPI without data is missed, so a month without entries is credited at
    the cap), and each must-meet KPI missed once more (core or extra). The cap still bounds
    the total."""
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
    period: Period,
    monthly_charge: Decimal,
    credit_pct_per_missed_kpi: Decimal,
    credit_cap_pct: Decimal,
    must_meet: Iterable[str] = (),
) -> PeriodResult:
    """Judge one period: the pilot's pooled arithmetic over the contract's days in it (the
    five and the tracked extras of `targets`)."""
    result = kpis.evaluate(
        totals=totals, targets=targets, window_days=period.days, decision=False, must_meet=must_meet
    )
    return PeriodResult(
        kpis=result.kpis,
        met_count=result.met_count,
        data_coverage_pct=result.data_coverage_pct,
        standing=standing(met_count=result.met_count, data_coverage_pct=result.data_coverage_pct),
        cost=totals.cost,
        credit=service_credit(
            missed_steps=credit_steps(result),
            monthly_charge=monthly_charge,
            month_share=period.month_share,
            credit_pct_per_missed_kpi=credit_pct_per_missed_kpi,
            credit_cap_pct=credit_cap_pct,
        ),
    )


def poor_run_start(standings: list[tuple[date, str]]) -> date | None:
    """Given the closed months oldest first, the first month of the trailing run of poor
    months when that run is at least three long (docs/domain.md §6: the exit clauses), else None."""
    run: list[date] = []
    for month, value in standings:
        run = [*run, month] if value == POOR else []
    return run[0] if len(run) >= POOR_MONTHS_FOR_EXIT_REVIEW else None
