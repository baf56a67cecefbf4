"""The calculator page's sums: one estimate, its three scenarios (DOMAIN.md §2) and, when
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


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    factors: ScenarioFactors
    workload: Workload
    estimate: Estimate


@dataclass(frozen=True)
class CalculatorResult:
    workload: Workload
    estimate: Estimate
    scenarios: tuple[ScenarioResult, ...]

    @property
    def contacts_per_day(self) -> Decimal:
        # DOMAIN.md §1–§2: a month is 4.2 weeks of 7 days (29.4 days).
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
) -> CalculatorResult:
    """Raises `EngineInputError` for input the engine rejects (the form names the field)."""
    main = estimate(workload=workload, in_house=in_house, offer=offer, months=months)
    by_scenario = scenarios(
        workload=workload,
        in_house=in_house,
        offer=offer,
        months=months,
        factors=scenario_factors,
    )
    return CalculatorResult(
        workload=workload,
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
