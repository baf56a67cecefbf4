"""The calculator page's sums: one estimate, its three scenarios (docs/domain.md §2) and, when
the volume comes from website visitors, the whitepaper's chats and chat hours a day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from costing.engine import (
    DAYS_PER_MONTH,
    Estimate,
    InHouse,
    ScenarioFactors,
    VendorOffer,
    Workload,
    estimate,
    scenario_workload,
    scenarios,
)
from costing.engine.numbers import ENGINE_CONTEXT

# Past a quadrillion euros (or per cent) a figure is a typo, not a business case; it is
# also where display rounding stops being exact. Refused as out of range, never a 500.
MAX_DISPLAYABLE = Decimal("1e15")


class OutOfRange(ArithmeticError):
    """A result too large to show: the input was beyond any real contact centre."""


def _check_displayable(result: Estimate) -> None:
    figures = [
        result.workload_hours_per_month,
        result.fte_required,
        result.in_house.fte,
        result.in_house.monthly,
        result.in_house.tco,
        result.in_house.cost_per_ticket,
        result.outsourced.monthly,
        result.outsourced.one_time,
        result.outsourced.tco,
        result.outsourced.cost_per_ticket,
        result.savings,
        result.savings_pct,
        result.roi_pct,
    ]
    if any(f is not None and abs(f) >= MAX_DISPLAYABLE for f in figures):
        raise OutOfRange


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    factors: ScenarioFactors
    workload: Workload
    estimate: Estimate


@dataclass(frozen=True)
class CalculatorResult:
    workload: Workload
    in_house: InHouse
    estimate: Estimate
    scenarios: tuple[ScenarioResult, ...]

    @property
    def in_house_hourly_cost(self) -> Decimal:
        """Whitepaper: €2,400 a month over 40 h × 4.2 weeks = 168 h → €14.29 an hour."""
        return self.in_house.hourly_cost()

    @property
    def contacts_per_day(self) -> Decimal:
        # docs/domain.md §1–§2: a month is 4.2 weeks of 7 days (29.4 days).
        return ENGINE_CONTEXT.divide(self.workload.volume_per_month, DAYS_PER_MONTH)

    @property
    def workload_hours_per_day(self) -> Decimal:
        # Whitepaper: 30 chats of 10 minutes are 5 hours of chat a day.
        return ENGINE_CONTEXT.divide(self.estimate.workload_hours_per_month, DAYS_PER_MONTH)


def calculate(
    *,
    workload: Workload,
    in_house: InHouse,
    offer: VendorOffer,
    months: int,
    scenario_factors: Mapping[str, ScenarioFactors],
    transition_months: int = 0,
) -> CalculatorResult:
    """Raises `EngineInputError` for input the engine rejects (the form names the field)
    and `ArithmeticError` (`OutOfRange`, decimal overflow) for absurdly large figures."""
    main = estimate(
        workload=workload,
        in_house=in_house,
        offer=offer,
        months=months,
        transition_months=transition_months,
    )
    by_scenario = scenarios(
        workload=workload,
        in_house=in_house,
        offer=offer,
        months=months,
        factors=scenario_factors,
        transition_months=transition_months,
    )
    for result in (main, *by_scenario.values()):
        _check_displayable(result)
    return CalculatorResult(
        workload=workload,
        in_house=in_house,
        estimate=main,
        scenarios=tuple(
            ScenarioResult(
                name=name,
                factors=scenario_factors[name],
                workload=scenario_workload(workload=workload, factors=scenario_factors[name]),
                estimate=result,
            )
            for name, result in by_scenario.items()
        ),
    )
