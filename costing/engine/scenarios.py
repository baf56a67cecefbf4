"""Pessimistic / realistic / optimistic scenarios (docs/domain.md §2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from costing.engine.numbers import positive, precise, s2
from costing.engine.tco import Estimate, InHouse, VendorOffer, check_months, estimate
from costing.engine.workload import Demand


@dataclass(frozen=True, slots=True)
class ScenarioFactors:
    """Multipliers on volume and AHT; the scenario's name is its key in the mapping."""

    volume: Decimal
    aht: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "volume", positive(self.volume, "scenarios.volume"))
        object.__setattr__(self, "aht", positive(self.aht, "scenarios.aht"))


DEFAULT_SCENARIOS: Mapping[str, ScenarioFactors] = MappingProxyType(
    {
        "pessimistic": ScenarioFactors(volume=Decimal("1.2"), aht=Decimal("1.1")),
        "realistic": ScenarioFactors(volume=Decimal(1), aht=Decimal(1)),
        "optimistic": ScenarioFactors(volume=Decimal("0.8"), aht=Decimal("0.9")),
    }
)


@precise
def scenario_workload(*, workload: Demand, factors: ScenarioFactors) -> Demand:
    """Volume and AHT multiplied (every channel of a scope alike); a live channel's seats
    follow from its scaled traffic."""
    return workload.scaled(volume=factors.volume, aht=factors.aht)


def scenarios(
    *,
    workload: Demand,
    in_house: InHouse,
    offer: VendorOffer,
    months: int,
    factors: Mapping[str, ScenarioFactors] = DEFAULT_SCENARIOS,
    transition_months: int = 0,
) -> dict[str, Estimate]:
    """One estimate per scenario, in the mapping's order. Derived FTE and agents follow
    the scenario's workload; a given FTE or agent count stays fixed."""
    months = check_months(months)
    return {
        name: estimate(
            workload=scenario_workload(workload=workload, factors=scenario),
            in_house=in_house,
            offer=offer,
            months=months,
            transition_months=transition_months,
        )
        for name, scenario in factors.items()
    }


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """What a comparison shows per quote and scenario: the quote's TCO and its savings, and
    the in-house TCO they are measured against (issue 20: the in-house desk grows with the
    volume too, so a pessimistic scenario's bigger savings explain themselves)."""

    tco: Decimal
    savings: Decimal
    in_house_tco: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "tco": s2(self.tco),
            "savings": s2(self.savings),
            "in_house_tco": s2(self.in_house_tco),
        }


def quote_scenarios(
    *,
    workload: Demand,
    in_house: InHouse,
    offer: VendorOffer,
    months: int,
    factors: Mapping[str, ScenarioFactors] = DEFAULT_SCENARIOS,
    transition_months: int = 0,
) -> dict[str, ScenarioOutcome]:
    """docs/domain.md §2: each quote in a comparison carries all three scenarios (TCO and
    savings), so a quote that wins only when volumes are low shows it."""
    return {
        name: ScenarioOutcome(
            tco=result.outsourced.tco, savings=result.savings, in_house_tco=result.in_house.tco
        )
        for name, result in scenarios(
            workload=workload,
            in_house=in_house,
            offer=offer,
            months=months,
            factors=factors,
            transition_months=transition_months,
        ).items()
    }
